import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/engines.ts';
import { ADULT, startPlatform, startRegistry, VALID_DOC, type SharedRegistry } from './harness.ts';

let reg: SharedRegistry;
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => reg?.close());

describeEachEngine('smoke', (engine) => {
  it('adult enrolls', async () => {
    const h = await startPlatform(engine, reg);
    try {
      const [p] = reg.people(`d.type = 'resident_id_card' AND ${VALID_DOC} AND ${ADULT}`);
      const r = await h.enroll(p!, { onStep: (s, d) => console.log(s, d ?? '') });
      console.log(JSON.stringify(r).slice(0, 300));
      expect(r.status).toBe('issued');
    } finally {
      await h.close();
    }
  });
});
