// Fictional sample data: the checks of a My Number Card read as the training simulator shows them
// and the demo audit log keeps them (lower snake case: core/audit/audit-entry.ts CODE_RE).
export const SAMPLE_CARD_CHECKS = [
  'card_ap_selected',
  'ef0003_digest',
  'ef0003_signature',
  'ef0004_cvc_signature',
  'jlis_key_known',
  'chip_authentication',
];
