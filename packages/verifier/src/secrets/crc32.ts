/**
 * CRC-32 (IEEE)'s table, as signed 32-bit integers: entries of a Uint32Array above 2^31 are read as
 * doubles, which kept verify's checksum loop (crc32Step, on every presented key) off integer
 * arithmetic. XOR and shifts give the same bits either way.
 */
const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** A running CRC-32 starts here (all ones)... */
export const CRC32_START = -1;
/** ...takes one byte at a time... */
export const crc32Step = (crc: number, byte: number): number => TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
/** ...and ends here, as an unsigned 32-bit number. */
export const crc32End = (crc: number): number => (crc ^ -1) >>> 0;

/** CRC-32 (IEEE), as GitHub's token checksum uses: enough to catch typos and recognise leaked keys offline. */
export function crc32(text: string): number {
  let crc = CRC32_START;
  for (const byte of Buffer.from(text, 'utf8')) crc = crc32Step(crc, byte);
  return crc32End(crc);
}
