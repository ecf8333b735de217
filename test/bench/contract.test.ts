// The `npm run bench -- --json` contract, checked on a --quick run: the shape and the
// arithmetic (ratio = baseline / ours, met = ratio >= goal; kiosk_share = kiosk / total). It does NOT
// judge speed (quick figures are noise; goals live in the benchmark output).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function runBench(): Promise<string> {
  return new Promise((resolve, reject) => {
    // Through npm exactly as machines call it: npm's own "> kakunin@ bench" banner must not reach
    // stdout (.npmrc json=true sends it to stderr), or the output is not one JSON object.
    execFile(
      'npm',
      ['run', 'bench', '--', '--quick', '--json'],
      { cwd: root, maxBuffer: 16 << 20, timeout: 280_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`bench failed: ${err.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}

// The start-up rows spawn a few dozen processes; on a loaded machine that takes minutes.
test(
  'bench --json: one object with the comparisons contract, every verifier checked',
  { timeout: 300_000 },
  async () => {
    const out = JSON.parse(await runBench()) as Record<string, unknown>;
    const comparisons = out.comparisons as Record<string, unknown>[];
    assert.ok(Array.isArray(comparisons) && comparisons.length >= 12, 'four inputs x (two peers + floor)');
    for (const c of comparisons) {
      assert.deepEqual(
        Object.keys(c).sort(),
        ['baseline', 'baseline_median_ms', 'goal', 'met', 'name', 'ours_median_ms', 'ratio'].sort(),
      );
      const ours = c.ours_median_ms as number;
      const base = c.baseline_median_ms as number;
      assert.ok(ours > 0 && base > 0, `${String(c.name)}: positive medians`);
      assert.ok(
        Math.abs((c.ratio as number) - base / ours) <= 0.001 * (base / ours) + 1e-3,
        `${String(c.name)}: ratio = baseline / ours`,
      );
      assert.equal(c.met, (c.ratio as number) >= (c.goal as number));
      const peer = /@auth0\/mdl|@animo-id\/mdoc/.test(c.baseline as string);
      assert.equal(c.goal, peer ? 3 : 0.67, `${String(c.name)} vs ${String(c.baseline)}: goal`);
    }
    for (const peer of ['@auth0/mdl', '@animo-id/mdoc']) {
      for (const input of [
        'age_over_20 P-256',
        'age_over_20 P-384',
        'identity+portrait P-256',
        'identity+portrait P-384',
      ]) {
        assert.ok(
          comparisons.some((c) => c.baseline === peer && c.name === `verify ${input}`),
          `${peer} on ${input}`,
        );
      }
    }
    const model = out.transaction_model as Record<string, number | string | boolean>[];
    assert.ok(model.length >= 4);
    for (const t of model) {
      assert.equal(t.goal, 0.05);
      const share = (t.kiosk_ms as number) / ((t.kiosk_ms as number) + (t.link_ms as number));
      assert.ok(Math.abs((t.kiosk_share as number) - share) < 1e-3);
      if (Math.abs(share - 0.05) > 1e-3)
        assert.equal(t.met, share < 0.05, `${String(t.name)}: met = kiosk_share < goal`);
    }
    // Start-up rows: the compiled program beside the tsx loader, goals in ms, met = compiled <= goal.
    const startup = out.startup as Record<string, unknown>[];
    const goals: Record<string, number> = {
      'kakunin --help': 300,
      'verify-response Annex D': 400,
      'npm start to the printed URL': 600,
    };
    assert.deepEqual(
      startup.map((s) => s.name),
      Object.keys(goals),
    );
    for (const s of startup) {
      if ('missing' in s) continue;
      assert.deepEqual(
        Object.keys(s).sort(),
        [
          'compiled_command',
          'compiled_median_ms',
          'goal_ms',
          'loader_command',
          'loader_median_ms',
          'met',
          'name',
          'runs',
        ].sort(),
      );
      assert.equal(s.goal_ms, goals[s.name as string]);
      assert.ok(
        (s.compiled_median_ms as number) > 0 && (s.loader_median_ms as number) > 0,
        `${String(s.name)}: positive medians`,
      );
      assert.equal(s.met, (s.compiled_median_ms as number) <= (s.goal_ms as number));
      assert.match(s.loader_command as string, /--import tsx/);
      assert.doesNotMatch(s.compiled_command as string, /tsx/);
    }
    for (const k of ['session_crypto', 'card_apdus', 'audit_appends', 'passport_reads'])
      assert.ok(k in out, `${k} present (figures or {missing})`);
    // Passports: BAC and PACE rows with APDUs, bytes and the kiosk's time, and their link-model rows.
    const pr = out.passport_reads as {
      figures: Array<{
        name: string;
        access: string;
        apdus: number;
        bytesSent: number;
        bytesReceived: number;
        kioskMs: number;
      }>;
    };
    assert.deepEqual(pr.figures.map((f) => f.access).sort(), ['bac', 'pace', 'pace']);
    for (const f of pr.figures) {
      assert.ok(f.apdus > 50 && f.bytesReceived > f.bytesSent && f.kioskMs > 0, `${f.name}: figures`);
      assert.ok(
        model.some((t) => t.name === `NFC 424 kbit/s | passport ${f.name}`),
        `${f.name}: link-model row`,
      );
    }
  },
);
