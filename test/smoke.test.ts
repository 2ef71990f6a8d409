import { info, softmax } from '../lib/sketchmax';
test('smoke', () => {
  expect(info().version).toBe('0.1.0');
  expect(Array.from(softmax(new Float64Array([0, 0])))).toEqual([0.5, 0.5]);
});
