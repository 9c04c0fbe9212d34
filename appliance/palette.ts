/**
 * Object colours: a fixed palette indexed by object; a new object takes the first colour no active
 * object uses (so colours stay put while objects come and go), else cycles by its serial number.
 */
export const PALETTE: readonly string[] = [
  '#ff4b3e',
  '#35a7ff',
  '#3ddc84',
  '#ffd60a',
  '#c77dff',
  '#ff8c1a',
  '#00d1c1',
  '#ff5ca8',
];

export function pickColor(inUse: readonly string[], serial: number): string {
  const free = PALETTE.find((c) => !inUse.includes(c));
  return free ?? PALETTE[(serial - 1) % PALETTE.length] ?? '#ffffff';
}
