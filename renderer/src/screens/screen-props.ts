import type { Lang, Screen } from '../../../api/contract.ts';
import type { Connection } from '../api-client.ts';

/** What a customer-facing screen component gets: the language, its own screen state, the API. */
export interface ScreenProps<K extends Screen['screen']> {
  lang: Lang;
  screen: Extract<Screen, { screen: K }>;
  api: Connection;
}
