/** Store rows with random bytes where ciphertext and digests would be: for tests of the store alone. */
import { randomBytes } from 'node:crypto';
import { newId, type NewPerson } from '../../src/store/index.ts';
import { fakeNetid } from './people.ts';

export function fakePerson(over: Partial<NewPerson> = {}): NewPerson {
  return {
    id: newId(),
    netid: fakeNetid(),
    netidAttempt: 0,
    personIndex: randomBytes(32),
    personIndexKeyId: 'bidx-1',
    wrappedDek: randomBytes(46),
    kekId: 'kek-1',
    profile: randomBytes(80),
    ...over,
  };
}
