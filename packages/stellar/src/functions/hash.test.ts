import { describe, expect, it } from 'vitest';
import { functions } from './hash.js';
import { callFunction, typed } from './test-support/call-function.js';

const call = (name: string, ...args: Parameters<typeof callFunction>[2][]) => callFunction(functions, name, ...args);

describe('HASH', () => {
  // Expected digests from Python's hashlib.
  it.each([
    ['MD5', '', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['MD5', 'abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['MD5', 'x'.repeat(200), '30a83621ce5422fbdfdd539777458c78'],
    ['MD5', 'héllo wörld', 'ed0c22cc110ede12327851863c078138'],
    ['SHA-1', '', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['SHA-1', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    ['SHA-1', 'x'.repeat(200), '94218caae9904e93a3d7bf578bf4791926fc5e82'],
    ['SHA-1', 'héllo wörld', '24e9f5c07847ff8a2a9fa77456655792f5bc7f9f'],
    ['SHA-224', '', 'd14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f'],
    ['SHA-224', 'abc', '23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7'],
    ['SHA-224', 'x'.repeat(200), '3ef8bae4a84311d748956ef862adec84a5745f44618cb3909def1e13'],
    ['SHA-224', 'héllo wörld', '9b52a881dfe9a9f75a4752d1ea0902c3318219ff19f9a0cadfa7413d'],
    ['SHA-256', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['SHA-256', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['SHA-256', 'x'.repeat(200), 'aa20c23e3201834050679e1d88941b9a6fed0557c9a705cb2c315e2e63fd486d'],
    ['SHA-256', 'héllo wörld', 'a1003f7d04a4115711d0b48a2eaf1359ce565d2d2a6fd65098dfcffadeeef59f'],
    ['SHA-384', '', '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b'],
    ['SHA-384', 'abc', 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7'],
    ['SHA-384', 'x'.repeat(200), '34c6d696dcbb86ee441ff110160cef6c192104b72fe208884fb0188d0085516f02214a16c913be2ba620fb6e7c9a4a54'],
    ['SHA-384', 'héllo wörld', '0ae7fb364d4a1c32722e35dd2abe2eba049d63883e63b30cf1c510a6923c49676f41d1b6765c7c63a15f8c369289a313'],
    ['SHA-512', '', 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'],
    ['SHA-512', 'abc', 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'],
    ['SHA-512', 'x'.repeat(200), 'ef978e23dc520404ae16fd17bde9ee5945610d671551d6863a5ffbc99433fc726726e51f989b886191be9325b8f8b03b1a63fe3e5eff23d126c2f41f07d2bf87'],
    ['SHA-512', 'héllo wörld', 'aacc881944f9ae7084649c91609b436444d66f289fca3bc4214e465e99f256efa8a8dc447e41660087c1081e4718419a94eee3d6b536b46bb764cdd7f747fe38'],
    ['SHA-512/224', '', '6ed0dd02806fa89e25de060c19d3ac86cabb87d6a0ddd05c333b84f4'],
    ['SHA-512/224', 'abc', '4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa'],
    ['SHA-512/224', 'x'.repeat(200), '7a97b076373229f0341132277f1b0abb554d4df0f5f9f1e6899626b0'],
    ['SHA-512/224', 'héllo wörld', '31c42bc0a140a6edc3e035c68978ef13438a1026ca48597b8fa64f15'],
    ['SHA-512/256', '', 'c672b8d1ef56ed28ab87c3622c5114069bdd3ad7b8f9737498d0c01ecef0967a'],
    ['SHA-512/256', 'abc', '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23'],
    ['SHA-512/256', 'x'.repeat(200), '88a392dba7d9b7c883511ffcd41e54709cdb43b20dbb491a8a14beeae391aaa0'],
    ['SHA-512/256', 'héllo wörld', '73b179890030f1fbc721cab39c8de1377b2f1d2da4ac7d7c56f11f54214a1648'],
    ['SHA3-224', '', '6b4e03423667dbb73b6e15454f0eb1abd4597f9a1b078e3f5b5a6bc7'],
    ['SHA3-224', 'abc', 'e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf'],
    ['SHA3-224', 'x'.repeat(200), 'abc93b8bf26dd0d48b74004f33f4c184d94322938a5c6b15469b1aac'],
    ['SHA3-224', 'héllo wörld', '0fd731bc37cbacabbccda36d585ef6a008f60329e4bbb0eef1c4a953'],
    ['SHA3-256', '', 'a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a'],
    ['SHA3-256', 'abc', '3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532'],
    ['SHA3-256', 'x'.repeat(200), '9dcc53f665ce704a221fcd3e25e53e88b5a41e8ab3deeeab8a5f2602e0316896'],
    ['SHA3-256', 'héllo wörld', '658e21ba6487e9c4fbb534fc5f2f0fa3217ca7b79d8168cf193536a9769c6d3f'],
    ['SHA3-384', '', '0c63a75b845e4f7d01107d852e4c2485c51a50aaaa94fc61995e71bbee983a2ac3713831264adb47fb6bd1e058d5f004'],
    ['SHA3-384', 'abc', 'ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b298d88cea927ac7f539f1edf228376d25'],
    ['SHA3-384', 'x'.repeat(200), '1006bdd750358dbd59bf7968128510642f00ed8489b34de9d2fe40e20cad44a348083751c3c6007d0fb75885e7905dab'],
    ['SHA3-384', 'héllo wörld', '5f33c69fd96b9ff798a0f46f0080934249bf961522ec07f8a245064e602842b975662d5532c7fd37ac93281b29b31f4c'],
    ['SHA3-512', '', 'a69f73cca23a9ac5c8b567dc185a756e97c982164fe25859e0d1dcc1475c80a615b2123af1f5f94c11e3e9402c3ac558f500199d95b6d3e301758586281dcd26'],
    ['SHA3-512', 'abc', 'b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0'],
    ['SHA3-512', 'x'.repeat(200), '46f6dc66b77e87bb1217778c3b1eebfb7e9223a23524395cb9b445649291de2bc2f8c01fc61385eb8703e11526b55ed918c2f6b2e43e7724d94070eaae3d2126'],
    ['SHA3-512', 'héllo wörld', 'ce781b14f049793fa0366adcf7ddc2c46c1849c8aff3c7c82b5078c77c5ba657cc2b6a183665d71d6d102564e32bd66aff11a663debd6bce14e8601f4ede6255'],
  ])('%s of %j', (algorithm, input, expected) => {
    expect(typed(call('HASH', input, algorithm))).toEqual({ type: 'string', value: expected });
  });

  it('pads correctly at block boundaries', () => {
    expect(call('HASH', 'a'.repeat(136), 'SHA3-256')).toBe('3fc5559f14db8e453a0a3091edbd2bc25e11528d81c66fa570a4efdcc2695ee1');
    expect(call('HASH', 'a'.repeat(55), 'SHA-256')).toBe('9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318');
    expect(call('HASH', 'a'.repeat(111), 'SHA-512')).toBe('fa9121c7b32b9e01733d034cfc78cbf67f926c7ed83e82200ef86818196921760b4beff48404df811b953828274461673c68d04e297b0eb7b2b4d60fc6b566a2');
  });

  it('accepts Java digest aliases case-insensitively', () => {
    expect(call('HASH', 'abc', 'sha')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(call('HASH', 'abc', 'sha256')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes null as zeros of the digest length and a null type as null', () => {
    expect(call('HASH', null, 'MD5')).toBe('00'.repeat(16));
    expect(call('HASH', 'abc', null)).toBeNull();
  });

  it('honours the charset config', () => {
    expect(call('HASH', 'é', 'MD5', new Map([['charset', 'ISO-8859-1']]))).toBe('3406877694691ddd1dfb0aca54681407');
  });

  it('rejects unknown algorithms and missing arguments', () => {
    expect(() => call('HASH', 'abc', 'NOPE')).toThrow(/Invalid hash type/);
    expect(() => call('HASH', 'abc')).toThrow();
  });

  it('lists the available hashes', () => {
    expect(call('GET_HASHES_AVAILABLE')).toContain('SHA-256');
    expect(call('GET_HASHES_AVAILABLE')).toContain('TLSH');
    expect(() => call('GET_HASHES_AVAILABLE', 'x')).toThrow();
  });
});
