// A tiny x86-64 assembler for the checkers' hand-made programs: static ELFs of one loaded segment, their
// instructions listed as bytes, with labels, short and near jumps and the loaded addresses of labels (data).
// No assembler is needed on the host, and a unit test can check that a checker's copy is what its script makes.

const BASE = 0x400000; // where the one program header loads the file
const HEADERS = 120; // the ELF header (64 bytes) and one program header (56)

export const le32 = (v) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];

export function assembler() {
  const parts = [];
  const bytes = (...b) => parts.push({ bytes: b });
  return {
    label: (name) => parts.push({ label: name }),
    bytes,
    jump: (op, to) => parts.push({ op, to }), // a short jump: op, then rel8
    jump32: (to, ...op) => parts.push({ op32: op.length ? op : [0xe9], to }), // a near jump: op (jmp unless given), then rel32
    address: (name) => parts.push({ address: name }), // imm32: the loaded address of a label
    eax: (v) => bytes(0xb8, ...le32(v)),
    syscall: () => bytes(0x0f, 0x05),
    // The program as base64: the headers, then the code with every jump and address resolved.
    base64: () => elf(layout(parts)).toString('base64'),
  };
}

function layout(parts) {
  const size = (p) => (p.bytes ? p.bytes.length : p.op !== undefined ? 2 : p.op32 ? p.op32.length + 4 : p.address ? 4 : 0);
  const at = {};
  let offset = 0;
  for (const p of parts) {
    if (p.label) at[p.label] = offset;
    offset += size(p);
  }
  const code = [];
  for (const p of parts) {
    if (p.bytes) code.push(...p.bytes);
    else if (p.op !== undefined) {
      const rel = at[p.to] - (code.length + 2);
      if (rel < -128 || rel > 127) throw new Error(`jump to ${p.to} too far for rel8`);
      code.push(p.op, rel & 255);
    } else if (p.op32) {
      code.push(...p.op32, ...le32(at[p.to] - (code.length + p.op32.length + 4)));
    } else if (p.address) code.push(...le32(BASE + HEADERS + at[p.address]));
  }
  return code;
}

function elf(code) {
  const length = BigInt(HEADERS + code.length);
  const head = Buffer.alloc(HEADERS);
  head.write('\x7fELF\x02\x01\x01', 0, 'latin1'); // 64-bit, little-endian, version 1
  head.writeUInt16LE(2, 16); // ET_EXEC
  head.writeUInt16LE(0x3e, 18); // x86-64
  head.writeUInt32LE(1, 20);
  head.writeBigUInt64LE(BigInt(BASE + HEADERS), 24); // entry: the first instruction
  head.writeBigUInt64LE(64n, 32); // program headers right after this one
  head.writeUInt16LE(64, 52);
  head.writeUInt16LE(56, 54);
  head.writeUInt16LE(1, 56);
  head.writeUInt32LE(1, 64); // PT_LOAD
  head.writeUInt32LE(5, 68); // read and execute
  head.writeBigUInt64LE(BigInt(BASE), 80);
  head.writeBigUInt64LE(BigInt(BASE), 88);
  head.writeBigUInt64LE(length, 96);
  head.writeBigUInt64LE(length, 104);
  head.writeBigUInt64LE(0x1000n, 112);
  return Buffer.concat([head, Buffer.from(code)]);
}
