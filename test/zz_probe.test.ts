test('probe', () => {
  const b = new ArrayBuffer(8);
  structuredClone(b, { transfer: [b] });
  console.log(b.byteLength, typeof SharedArrayBuffer, typeof process.emitWarning, process === globalThis.process);
});
