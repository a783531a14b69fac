/**
 * explain.ts: the story of a capture in the lab report's order (handshake, TLS, transfer, reordering and
 * loss, duplicates, teardown, parallel connections, RTT and throughput, the classic lab questions), in
 * English or Chinese. Every claim cites its frames; every flag says the rule Wireshark applied. Built as
 * a small document (sections of blocks) that `renderExplanationMarkdown` prints and the HTML report
 * renders with links. Pure; no I/O.
 */
import type { Analysis, ConversationReport, FrameRecord, HttpRequestSummary } from '../analysis-result.js';
import { TcpFlag } from '../packet/packet.js';
import { formatCompleteness, labFacts, mainConversation, RTT_ALPHA, type ConversationFacts, type DirectionFacts } from './lab-facts.js';
import { formatPacketLine, formatRequest } from './text.js';
import { captureStartNs } from './lab-facts.js';

/** Languages of the explanation. */
export type ExplainLanguage = 'en' | 'zh';

/** One block of a section. In text, `#N` cites frame N (the HTML report turns it into a link). */
export type ExplainBlock =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'packets'; readonly frames: readonly number[] }
  | { readonly kind: 'list'; readonly items: readonly string[] }
  | { readonly kind: 'table'; readonly head: readonly string[]; readonly rows: readonly (readonly string[])[] };

/** One section: a stable id (for links), a title and its blocks. */
export interface ExplainSection {
  readonly id: string;
  readonly title: string;
  readonly blocks: readonly ExplainBlock[];
}

/** The whole explanation. */
export interface Explanation {
  readonly lang: ExplainLanguage;
  readonly title: string;
  readonly sections: readonly ExplainSection[];
  /** Per-frame records by number, for rendering packet lines. */
  readonly records: ReadonlyMap<number, FrameRecord>;
  readonly startNs: bigint;
}

/** The HTTP requests a conversation carried, when the analysis decrypted it (keys given or in the capture). */
export function requestsOf(c: ConversationReport): readonly HttpRequestSummary[] | undefined {
  const list = c.tls?.requests;
  return list === undefined || list.length === 0 ? undefined : list;
}

/** One request and its response, as the conversation lines of `wirelab analyze` show it (one format everywhere). */
export { formatRequest };

/** The plain-words rule behind each tcp.analysis flag (Wireshark 4.0), in both languages. */
export const FLAG_RULES: Readonly<Record<string, { readonly en: string; readonly zh: string }>> = {
  retransmission: {
    en: 'Retransmission: the segment carries data, but its sequence number is not beyond the highest byte already seen in this direction, so these bytes were sent before.',
    zh: '重传（Retransmission）：报文段携带数据，但序号没有超过该方向已见到的最高字节，说明这些字节之前已经发送过。',
  },
  fast_retransmission: {
    en: 'Fast Retransmission: a retransmission whose sequence number equals the ack number of at least two duplicate ACKs from the other side, sent within 20 ms of the last of them: the sender reacted to the duplicate ACKs, not to a timeout.',
    zh: '快速重传（Fast Retransmission）：一次重传，其序号等于对方至少两个重复 ACK 所确认的号，并且在最后一个重复 ACK 之后 20 ms 内发出：发送方是因为重复 ACK 而重传，而不是等到超时。',
  },
  spurious_retransmission: {
    en: 'Spurious Retransmission: the data was already acknowledged by the other side when it was sent again.',
    zh: '伪重传（Spurious Retransmission）：这些数据在再次发送之前就已经被对方确认过了。',
  },
  out_of_order: {
    en: 'Out-Of-Order: not new data, but it arrived less than the initial RTT (3 ms when unknown) after the newest segment of its direction: the network reordered it rather than the sender resending it.',
    zh: '失序（Out-Of-Order）：不是新数据，但它在本方向最新报文段之后不到一个初始 RTT（未知时为 3 ms）就到达，所以是网络把顺序打乱了，而不是发送方重传。',
  },
  duplicate_ack: {
    en: 'Duplicate ACK: no data, no SYN/FIN/RST, the same ack number and window as the previous ACK of its direction, while the other side has sent data: the receiver keeps asking for the same missing byte.',
    zh: '重复 ACK（Dup ACK）：不带数据、没有 SYN/FIN/RST，确认号和窗口都与本方向上一个 ACK 相同，而对方已经发了数据：接收方在反复索要同一个缺失的字节。',
  },
  lost_segment: {
    en: 'Previous segment not captured: the segment starts beyond the next expected sequence number, so bytes in between never appeared in this capture (lost in the network, or missed by the capture).',
    zh: '前一个报文段未被捕获（Previous segment not captured）：该报文段的起始序号超过了期望的下一个序号，中间的字节在本次抓包里从未出现（在网络中丢失，或抓包漏掉了）。',
  },
  ack_lost_segment: {
    en: "ACKed unseen segment: the ACK covers bytes of the other side that this capture never saw: they reached the receiver but not the capture.",
    zh: '确认了未见到的报文段（ACKed unseen segment）：这个 ACK 确认了本次抓包从未见到的对方字节：它们到达了接收方，却没有被抓到。',
  },
  window_update: {
    en: 'Window Update: no data, same ack number, but a larger window than before: the receiver tells the sender it has more room.',
    zh: '窗口更新（Window Update）：不带数据、确认号不变，但窗口比之前大：接收方告诉发送方它有了更多空间。',
  },
  window_full: {
    en: "Window Full: this segment fills the receiver's advertised window exactly; the sender must wait for an ACK.",
    zh: '窗口已满（Window Full）：这个报文段恰好用满了接收方通告的窗口，发送方必须等待 ACK。',
  },
  zero_window: {
    en: 'Zero Window: the receiver advertises a window of 0 bytes: its buffer is full and the sender must stop.',
    zh: '零窗口（Zero Window）：接收方通告的窗口为 0，缓冲区已满，发送方必须停止发送。',
  },
  zero_window_probe: {
    en: 'Zero Window Probe: one byte sent into a zero window, to learn when it opens again.',
    zh: '零窗口探测（Zero Window Probe）：向零窗口发送 1 个字节，以便得知窗口何时重新打开。',
  },
  zero_window_probe_ack: {
    en: 'Zero Window Probe ACK: the answer to a zero window probe.',
    zh: '零窗口探测的确认：对零窗口探测的回应。',
  },
  keep_alive: {
    en: 'Keep-Alive: zero or one byte at one below the next sequence number, sent to check that the peer is still there.',
    zh: '保活（Keep-Alive）：在下一个序号减一的位置发送 0 或 1 个字节，用来确认对端仍然在线。',
  },
  keep_alive_ack: { en: 'Keep-Alive ACK: the answer to a keep-alive.', zh: '保活确认：对保活报文的回应。' },
  reused_ports: {
    en: 'Port numbers reused: a new SYN on the same four-tuple as an earlier connection.',
    zh: '端口复用：在与之前连接相同的四元组上出现了新的 SYN。',
  },
};

const TEARDOWN_WORDS: Readonly<Record<string, { readonly en: string; readonly zh: string }>> = {
  'fin-close': { en: 'an orderly close: both sides sent FIN and both FINs were acknowledged', zh: '正常关闭：双方都发送了 FIN，且两个 FIN 都被确认' },
  'fin-then-rst': {
    en: 'FIN then RST: one side closed with FIN, then a reset followed (data arrived for a socket that was already closed, so the kernel answered RST)',
    zh: '先 FIN 后 RST：一方用 FIN 关闭后又出现了复位（数据到达了一个已关闭的套接字，内核回以 RST）',
  },
  'rst-abort': { en: 'an abort: a reset without a FIN', zh: '异常中止：没有 FIN，直接复位' },
  refused: { en: 'refused: the SYN was answered with RST', zh: '被拒绝：SYN 收到的是 RST' },
  'half-open': { en: 'half open: only one side sent FIN before the capture ended', zh: '半关闭：抓包结束前只有一方发送了 FIN' },
  open: { en: 'still open when the capture ended', zh: '抓包结束时连接仍然打开' },
};

/** What the parts of a cipher suite name mean. */
export function describeCipherSuite(name: string, lang: ExplainLanguage): string {
  const L = (en: string, zh: string): string => (lang === 'zh' ? zh : en);
  const bulk = (cipher: string): string => {
    const m = /^(AES|CAMELLIA|ARIA)_(\d+)_(GCM|CCM|CBC)/.exec(cipher);
    if (m !== null) {
      const mode = m[3] === 'CBC' ? L('CBC mode with a separate MAC', 'CBC 模式加单独的 MAC') : L(`${m[3]} mode (authenticated encryption, AEAD)`, `${m[3]} 模式（带认证的加密，AEAD）`);
      return L(`${m[1]} with a ${m[2]}-bit key in ${mode}`, `${m[2]} 位密钥的 ${m[1]}，${mode}`);
    }
    if (cipher.startsWith('CHACHA20_POLY1305')) return L('ChaCha20 stream cipher with the Poly1305 authenticator (AEAD)', 'ChaCha20 流密码加 Poly1305 认证（AEAD）');
    return cipher;
  };
  const tls12 = /^TLS_(.+?)_WITH_(.+)_(SHA\d*|MD5)$/.exec(name);
  if (tls12 !== null) {
    const [kx, auth] = tls12[1]!.split('_');
    const kxWords = kx === 'ECDHE' || kx === 'DHE'
      ? L(`${kx} key exchange (a fresh Diffie-Hellman key per connection, so recorded traffic stays safe even if the server key leaks later: forward secrecy)`, `${kx} 密钥交换（每个连接临时生成 Diffie-Hellman 密钥，即使以后服务器私钥泄露，录下的流量仍然安全：前向保密）`)
      : L(`${kx} key exchange (the client encrypts the secret with the server's key: no forward secrecy)`, `${kx} 密钥交换（客户端用服务器公钥加密秘密：没有前向保密）`);
    const authWords = auth === undefined ? '' : L(`, ${auth} signatures authenticate the server (its certificate's key)`, `，用 ${auth} 签名认证服务器（证书中的密钥）`);
    return L(
      `${name}: ${kxWords}${authWords}; ${bulk(tls12[2]!)} encrypts the data; ${tls12[3]} is the hash of the key derivation (PRF).`,
      `${name}：${kxWords}${authWords}；数据用 ${bulk(tls12[2]!)} 加密；${tls12[3]} 是密钥派生（PRF）所用的哈希。`,
    );
  }
  const tls13 = /^TLS_(.+)_(SHA\d+)$/.exec(name);
  if (tls13 !== null) {
    return L(
      `${name} (TLS 1.3): ${bulk(tls13[1]!)} encrypts the data and ${tls13[2]} drives HKDF; the key exchange (ECDHE in the key_share extension) and the signature are negotiated separately, so they are not in the name.`,
      `${name}（TLS 1.3）：数据用 ${bulk(tls13[1]!)} 加密，${tls13[2]} 用于 HKDF 密钥派生；密钥交换（key_share 扩展中的 ECDHE）和签名算法另行协商，所以不出现在名字里。`,
    );
  }
  return name;
}

const ms = (v: number): string => `${v.toFixed(3)} ms`;
const kib = (bytes: number): string => (bytes >= 10 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`);
const rate = (bps: number | undefined): string => (bps === undefined ? '–' : bps >= 125_000 ? `${((bps * 8) / 1e6).toFixed(2)} Mbit/s` : `${((bps * 8) / 1e3).toFixed(1)} kbit/s`);

/** Frames of a stream with a given tcp.analysis flag suffix. */
function flagged(f: ConversationFacts, flag: string): FrameRecord[] {
  return f.frames.filter((r) => r.flags.includes(flag));
}

/**
 * Builds the explanation of an analysis (it needs the per-frame records: analyze with keepFrames).
 * @example
 * const doc = explainAnalysis(await analyzeCapture('lab.pcapng'), 'zh');
 * process.stdout.write(renderExplanationMarkdown(doc));
 */
export function explainAnalysis(analysis: Analysis, lang: ExplainLanguage = 'en'): Explanation {
  const L = (en: string, zh: string): string => (lang === 'zh' ? zh : en);
  const records = new Map(analysis.frames.map((r) => [r.frame, r]));
  const startNs = captureStartNs(analysis);
  const facts = labFacts(analysis);
  const main = mainConversation(facts);
  const sections: ExplainSection[] = [];
  const side = (s: 'client' | 'server'): string => (s === 'client' ? L('client', '客户端') : L('server', '服务器'));
  const endpoint = (c: ConversationReport, s: 'client' | 'server'): string => (s === 'client' ? `${c.client.address}:${c.client.port}` : `${c.server.address}:${c.server.port}`);
  const frameList = (frames: readonly number[], max = 12): string =>
    frames.length === 0 ? L('none', '无') : frames.slice(0, max).map((n) => `#${n}`).join(L(', ', '、')) + (frames.length > max ? L(` and ${frames.length - max} more`, ` 等另外 ${frames.length - max} 个`) : '');

  // Overview.
  const overview: ExplainBlock[] = [
    {
      kind: 'text',
      text: L(
        `${analysis.source}: ${analysis.frameCount} frames, ${analysis.conversations.length} TCP connection(s). Frame numbers (#N) and times are Wireshark's: times count from the first frame.`,
        `${analysis.source}：共 ${analysis.frameCount} 帧，${analysis.conversations.length} 条 TCP 连接。帧号（#N）和时间与 Wireshark 一致，时间从第一帧开始计算。`,
      ),
    },
  ];
  if (analysis.conversations.length > 0) {
    overview.push({
      kind: 'table',
      head: [L('stream', '流'), L('client', '客户端'), L('server', '服务器'), L('frames', '帧'), L('bytes c→s / s→c', '字节 客→服 / 服→客'), L('teardown', '结束方式'), 'completeness'],
      rows: facts.map((f) => {
        const c = f.conversation;
        return [String(c.stream), endpoint(c, 'client'), endpoint(c, 'server'), `#${c.firstFrame}–#${c.lastFrame}`, `${c.bytes[0]} / ${c.bytes[1]}`, c.teardown, formatCompleteness(c.completeness)];
      }),
    });
  }
  if (analysis.readError !== undefined) overview.push({ kind: 'text', text: L(`The capture is damaged: ${analysis.readError.message}; everything here covers the frames before the damage.`, `抓包文件有损坏：${analysis.readError.message}；以下内容只涵盖损坏之前的帧。`) });
  sections.push({ id: 'overview', title: L('Overview', '概览'), blocks: overview });

  if (main === undefined) {
    sections.push({ id: 'handshake', title: L('TCP handshake', '三次握手'), blocks: [{ kind: 'text', text: L('The capture holds no TCP connection, so there is nothing more to explain.', '抓包中没有 TCP 连接，没有更多内容可以解释。') }] });
    return { lang, title: L('What happened in this capture', '这次抓包发生了什么'), sections, records, startNs };
  }
  const c = main.conversation;
  const rec = (n: number | undefined): FrameRecord | undefined => (n === undefined ? undefined : records.get(n));
  const intro = facts.length > 1 ? L(`The story follows stream ${c.stream}, the connection that carried the most data; the others come up where they differ.`, `下文以流 ${c.stream} 为主线，它传送的数据最多；其他连接在有差别的地方再提。`) : '';

  // 1. Handshake.
  {
    const blocks: ExplainBlock[] = [];
    if (intro !== '') blocks.push({ kind: 'text', text: intro });
    const syn = rec(c.handshake.synFrame);
    const synAck = rec(c.handshake.synAckFrame);
    const ack = rec(c.handshake.ackFrame);
    if (syn !== undefined) {
      blocks.push({
        kind: 'text',
        text: L(
          `#${syn.frame}: the client ${endpoint(c, 'client')} sends SYN to the server ${endpoint(c, 'server')} with its initial sequence number ${syn.seq_raw} (Wireshark shows it as relative Seq=0). Its options: MSS ${main.client.mss ?? '–'} (the largest segment payload it accepts), window scale ×${main.client.windowScale ?? '–'}${main.client.sackPermitted ? ', SACK permitted' : ''}.`,
          `#${syn.frame}：客户端 ${endpoint(c, 'client')} 向服务器 ${endpoint(c, 'server')} 发送 SYN，初始序号为 ${syn.seq_raw}（Wireshark 显示为相对序号 Seq=0）。选项：MSS ${main.client.mss ?? '–'}（它能接受的最大报文段数据长度），窗口缩放因子 ×${main.client.windowScale ?? '–'}${main.client.sackPermitted ? '，允许 SACK' : ''}。`,
        ),
      });
    }
    if (synAck !== undefined && syn !== undefined) {
      blocks.push({
        kind: 'text',
        text: L(
          `#${synAck.frame}: the server answers SYN-ACK with its own initial sequence number ${synAck.seq_raw} and ack ${synAck.ack_raw} = ${syn.seq_raw} + 1: a SYN occupies one sequence number, so the next byte the server expects is the SYN's number plus one. Server options: MSS ${main.server.mss ?? '–'}, window scale ×${main.server.windowScale ?? '–'}${main.server.sackPermitted ? ', SACK permitted' : ''}.`,
          `#${synAck.frame}：服务器回复 SYN-ACK，带上自己的初始序号 ${synAck.seq_raw}，确认号 ${synAck.ack_raw} = ${syn.seq_raw} + 1：SYN 本身占用一个序号，所以服务器期望的下一个字节是 SYN 的序号加一。服务器选项：MSS ${main.server.mss ?? '–'}，窗口缩放因子 ×${main.server.windowScale ?? '–'}${main.server.sackPermitted ? '，允许 SACK' : ''}。`,
        ),
      });
    }
    if (ack !== undefined && synAck !== undefined) {
      blocks.push({
        kind: 'text',
        text: L(
          `#${ack.frame}: the client's ACK acknowledges ${ack.ack_raw} = ${synAck.seq_raw} + 1 for the same reason; the connection is established. The initial RTT (SYN to this ACK) is ${c.handshake.rttNs === undefined ? '–' : ms(c.handshake.rttNs / 1e6)}.`,
          `#${ack.frame}：客户端的 ACK 出于同样的原因确认 ${ack.ack_raw} = ${synAck.seq_raw} + 1，连接建立。初始 RTT（从 SYN 到这个 ACK）为 ${c.handshake.rttNs === undefined ? '–' : ms(c.handshake.rttNs / 1e6)}。`,
        ),
      });
    }
    if (syn === undefined) blocks.push({ kind: 'text', text: L(`The capture does not hold this connection's SYN: it started before the capture.`, '抓包中没有这条连接的 SYN：连接在抓包开始之前就已建立。') });
    blocks.push({ kind: 'packets', frames: [syn, synAck, ack].filter((r): r is FrameRecord => r !== undefined).map((r) => r.frame) });
    const others = facts.filter((f) => f !== main && f.conversation.handshake.complete);
    if (others.length > 0) {
      blocks.push({
        kind: 'text',
        text: L(
          `The other connections shake hands the same way: ${others.map((f) => `stream ${f.conversation.stream} (#${f.conversation.handshake.synFrame}, #${f.conversation.handshake.synAckFrame}, #${f.conversation.handshake.ackFrame})`).join('; ')}.`,
          `其他连接的握手方式相同：${others.map((f) => `流 ${f.conversation.stream}（#${f.conversation.handshake.synFrame}、#${f.conversation.handshake.synAckFrame}、#${f.conversation.handshake.ackFrame}）`).join('；')}。`,
        ),
      });
    }
    sections.push({ id: 'handshake', title: L('TCP three-way handshake', '三次握手'), blocks });
  }

  // 2. TLS.
  {
    const blocks: ExplainBlock[] = [];
    const t = c.tls;
    if (t === undefined || t.clientHelloFrame === undefined) {
      blocks.push({ kind: 'text', text: L('This connection carries no TLS handshake the analyzer could see.', '这条连接中没有可识别的 TLS 握手。') });
    } else {
      const hello = rec(t.clientHelloFrame);
      const VERSION_NAMES: Readonly<Record<number, string>> = { 0x0304: 'TLS 1.3', 0x0303: 'TLS 1.2', 0x0302: 'TLS 1.1', 0x0301: 'TLS 1.0' };
      const offered = hello?.tls?.supported_versions.map((v) => VERSION_NAMES[v] ?? `0x${v.toString(16).padStart(4, '0')}`) ?? [];
      // The first few suites by name (the client's preference order), then how many more.
      const suites = t.suitesOffered;
      const suiteList = (sep: string, more: (n: number) => string): string =>
        suites.length === 0 ? '' : `${suites.slice(0, 4).join(sep)}${suites.length > 4 ? more(suites.length - 4) : ''}`;
      blocks.push({
        kind: 'text',
        text: L(
          `#${t.clientHelloFrame}: Client Hello, the first data of the connection. The client names the server it wants (SNI ${t.sni ?? '–'}), offers the application protocols ${t.alpnOffered.join(', ') || '–'} by ALPN${offered.length > 0 ? ` and the versions ${offered.join(', ')} (supported_versions)` : ''}, and lists the cipher suites it can use${suites.length === 0 ? '' : `, ${suites.length} of them in its order of preference: ${suiteList(', ', (n) => ` and ${n} more`)}`}.`,
          `#${t.clientHelloFrame}：Client Hello，连接中的第一份数据。客户端说明要访问的服务器（SNI ${t.sni ?? '–'}），通过 ALPN 提供应用协议 ${t.alpnOffered.join('、') || '–'}${offered.length > 0 ? `，并提供版本 ${offered.join('、')}（supported_versions）` : ''}，同时列出自己支持的密码套件${suites.length === 0 ? '' : `（共 ${suites.length} 个，按偏好排序：${suiteList('、', (n) => ` 等另外 ${n} 个`)}）`}。`,
        ),
      });
      if (t.resumed && t.serverHelloFrame !== undefined) {
        blocks.push({
          kind: 'text',
          text: L(
            `This is a resumed session: in #${t.serverHelloFrame} the server takes up the session the client offered (the same session ID, or a pre-shared key in TLS 1.3), so the handshake is abbreviated: no Certificate and no key exchange, and both sides derive their keys from the earlier session's secret.`,
            `这是一次会话恢复：服务器在 #${t.serverHelloFrame} 中接受了客户端提出的会话（相同的 Session ID，或 TLS 1.3 的预共享密钥），因此握手被简化：没有证书、没有密钥交换，双方从先前会话的密钥导出本次的密钥。`,
          ),
        });
      }
      if (t.serverHelloFrame !== undefined) {
        blocks.push({
          kind: 'text',
          text: L(
            `#${t.serverHelloFrame}: Server Hello picks ${t.version ?? 'a version'}${t.alpn.length > 0 ? ` and ${t.alpn.join(', ')}` : ''} and the suite ${describeCipherSuite(t.cipherSuite ?? '?', lang)}`,
            `#${t.serverHelloFrame}：Server Hello 选定 ${t.version ?? '版本'}${t.alpn.length > 0 ? `、${t.alpn.join('、')}` : ''}，以及密码套件 ${describeCipherSuite(t.cipherSuite ?? '?', lang)}`,
          ),
        });
      }
      const ccs = [...t.changeCipherSpecFrames].sort((a, b) => a - b);
      const certFrame = c.tls !== undefined ? main.frames.find((r) => r.tls?.handshake_types.includes(11))?.frame : undefined;
      if (t.version === 'TLS 1.3') {
        blocks.push({
          kind: 'text',
          text: L(
            `In TLS 1.3 everything after the Server Hello is encrypted: the server's certificate, its signature (CertificateVerify) and both Finished messages travel as Application Data records${ccs.length > 0 ? `; the Change Cipher Spec in ${frameList(ccs)} is only there for middleboxes that expect TLS 1.2` : ''}. Without the key log nobody on the path sees the certificate.`,
            `在 TLS 1.3 中，Server Hello 之后的一切都是加密的：服务器证书、签名（CertificateVerify）和双方的 Finished 都以 Application Data 记录的形式传送${ccs.length > 0 ? `；${frameList(ccs)} 中的 Change Cipher Spec 只是为了兼容期待 TLS 1.2 的中间设备` : ''}。没有密钥日志，路径上的任何人都看不到证书。`,
          ),
        });
      } else {
        if (certFrame !== undefined) {
          blocks.push({ kind: 'text', text: L(`#${certFrame}: the server's Certificate, in clear text in TLS 1.2: the browser checks it against the name ${t.sni ?? ''}.`, `#${certFrame}：服务器证书（Certificate），在 TLS 1.2 中是明文的：浏览器用它核对名字 ${t.sni ?? ''}。`) });
        }
        if (t.changeCipherSpecFrames.length > 0) {
          blocks.push({
            kind: 'text',
            text: L(
              t.decrypted
                ? `Change Cipher Spec in ${frameList(t.changeCipherSpecFrames)}: from here on each side encrypts; the Finished right after it (${frameList(t.encryptedHandshakeFrames)}; on the wire an Encrypted Handshake Message, shown decrypted with the keys) is a MAC over the whole handshake that proves nobody changed it.`
                : `Change Cipher Spec in ${frameList(t.changeCipherSpecFrames)}: from here on each side encrypts; the Encrypted Handshake Message right after it (${frameList(t.encryptedHandshakeFrames)}) is its Finished, a MAC over the whole handshake that proves nobody changed it.`,
              t.decrypted
                ? `${frameList(t.changeCipherSpecFrames)} 中的 Change Cipher Spec：从此之后双方开始加密；紧随其后的 Finished（${frameList(t.encryptedHandshakeFrames)}；线上是 Encrypted Handshake Message，这里用密钥解密后显示）是对整个握手的 MAC，证明握手没有被篡改。`
                : `${frameList(t.changeCipherSpecFrames)} 中的 Change Cipher Spec：从此之后双方开始加密；紧随其后的 Encrypted Handshake Message（${frameList(t.encryptedHandshakeFrames)}）就是 Finished，它是对整个握手的 MAC，证明握手没有被篡改。`,
            ),
          });
        }
      }
      blocks.push({ kind: 'packets', frames: [t.clientHelloFrame, t.serverHelloFrame, certFrame, ...t.changeCipherSpecFrames].filter((n): n is number => n !== undefined).filter((n, i, all) => all.indexOf(n) === i).sort((a, b) => a - b) });
    }
    sections.push({ id: 'tls', title: L('TLS handshake', 'TLS 握手'), blocks });
  }

  // 3. Data transfer.
  {
    const blocks: ExplainBlock[] = [];
    const sender = main[main.bulk];
    const receiver = main.bulk === 'server' ? main.client : main.server;
    const mss = Math.min(main.client.mss ?? Infinity, main.server.mss ?? Infinity);
    blocks.push({
      kind: 'text',
      text: L(
        `The ${side(main.bulk)} sent ${sender.bytes} bytes in ${sender.dataSegments} data segments; the largest carried ${sender.largestSegment} bytes${Number.isFinite(mss) ? `, within the MSS of ${mss} both sides announced (an MSS of ${mss} with TCP timestamps leaves ${mss - 12} bytes per segment)` : ''}. The other way, ${receiver.bytes} bytes in ${receiver.dataSegments} segments (requests and TLS).`,
        `${side(main.bulk)}共发送 ${sender.bytes} 字节，分成 ${sender.dataSegments} 个数据报文段；最大的一个携带 ${sender.largestSegment} 字节${Number.isFinite(mss) ? `，没有超过双方通告的 MSS ${mss}（带 TCP 时间戳时每段可用 ${mss - 12} 字节）` : ''}。反方向共 ${receiver.bytes} 字节，${receiver.dataSegments} 个报文段（请求和 TLS）。`,
      ),
    });
    const requests = requestsOf(c);
    if (requests !== undefined) {
      blocks.push({ kind: 'text', text: L(`With the TLS keys the requests are readable (${requests.length}):`, `有了 TLS 密钥，请求内容可以读出（共 ${requests.length} 个）：`) });
      blocks.push({ kind: 'list', items: requests.map((r) => formatRequest(r)) });
    } else if (c.tls !== undefined) {
      blocks.push({ kind: 'text', text: L('The requests and responses are encrypted (Application Data); with the key log (`--keylog`) Wireshark and wirelab can show them.', '请求和响应都是加密的（Application Data）；提供密钥日志（`--keylog`）后，Wireshark 和 wirelab 可以显示它们。') });
    }
    const perAck = receiver.pureAcks === 0 ? undefined : sender.dataSegments / receiver.pureAcks;
    blocks.push({
      kind: 'text',
      text: L(
        `The ${side(main.bulk === 'server' ? 'client' : 'server')} acknowledged with ${receiver.pureAcks} pure ACKs${perAck === undefined ? '' : `, about one per ${perAck.toFixed(1)} data segments (delayed ACKs acknowledge every second full segment)`}. Its advertised window ranged from ${receiver.minWindow?.bytes ?? '–'} bytes (#${receiver.minWindow?.frame ?? '–'}) to ${receiver.maxWindow?.bytes ?? '–'} bytes (#${receiver.maxWindow?.frame ?? '–'}); the window field is multiplied by ${receiver.windowScale ?? 1}, the window scale announced in its SYN (WS=${receiver.windowScale ?? 1}).`,
        `${side(main.bulk === 'server' ? 'client' : 'server')}共发出 ${receiver.pureAcks} 个纯 ACK${perAck === undefined ? '' : `，大约每 ${perAck.toFixed(1)} 个数据报文段一个（延迟 ACK 每两个满长度报文段确认一次）`}。它通告的窗口从 ${receiver.minWindow?.bytes ?? '–'} 字节（#${receiver.minWindow?.frame ?? '–'}）到 ${receiver.maxWindow?.bytes ?? '–'} 字节（#${receiver.maxWindow?.frame ?? '–'}）；窗口字段要乘以 SYN 中通告的窗口缩放因子 ${receiver.windowScale ?? 1}（WS=${receiver.windowScale ?? 1}）。`,
      ),
    });
    const firstData = main.frames.filter((r) => (r.tcp_len ?? 0) > 0 && (r.src === (main.bulk === 'server' ? c.server.address : c.client.address))).slice(0, 4);
    blocks.push({ kind: 'packets', frames: firstData.map((r) => r.frame) });
    sections.push({ id: 'transfer', title: L('Data transfer', '数据传输'), blocks });
  }

  // 4. Reordering, loss and fast retransmission.
  {
    const blocks: ExplainBlock[] = [];
    let any = false;
    for (const f of facts) {
      const ooo = flagged(f, 'out_of_order');
      const fast = flagged(f, 'fast_retransmission');
      const retrans = f.frames.filter((r) => r.flags.includes('retransmission') && !r.flags.includes('fast_retransmission') && !r.flags.includes('spurious_retransmission'));
      if (ooo.length + fast.length + retrans.length === 0) continue;
      any = true;
      const s = f.conversation.stream;
      if (ooo.length > 0) {
        blocks.push({ kind: 'text', text: L(`Stream ${s}: out-of-order segments ${frameList(ooo.map((r) => r.frame))}. ${FLAG_RULES['out_of_order']!.en}`, `流 ${s}：失序报文段 ${frameList(ooo.map((r) => r.frame))}。${FLAG_RULES['out_of_order']!.zh}`) });
        blocks.push({ kind: 'packets', frames: ooo.slice(0, 4).map((r) => r.frame) });
      }
      for (const r of fast.slice(0, 5)) {
        const dups = f.frames.filter((d) => d.flags.includes('duplicate_ack') && d.frame < r.frame && d.ack === r.seq && d.src !== r.src);
        const original = dups[0]?.dup_ack_frame ?? undefined;
        blocks.push({
          kind: 'text',
          text: L(
            `Stream ${s}, #${r.frame}: fast retransmission of Seq=${r.seq} (${r.tcp_len} bytes). The receiver had asked for byte ${r.seq} again and again: the ACK #${original ?? '?'} and its ${dups.length} duplicate(s) ${frameList(dups.map((d) => d.frame))}. After the third duplicate ACK the sender resends at once, without waiting for its retransmission timer. ${FLAG_RULES['fast_retransmission']!.en}`,
            `流 ${s}，#${r.frame}：对 Seq=${r.seq}（${r.tcp_len} 字节）的快速重传。接收方一再索要字节 ${r.seq}：先是 ACK #${original ?? '?'}，接着是它的 ${dups.length} 个重复 ${frameList(dups.map((d) => d.frame))}。收到第三个重复 ACK 后发送方立即重传，不再等待重传计时器。${FLAG_RULES['fast_retransmission']!.zh}`,
          ),
        });
        blocks.push({ kind: 'packets', frames: [...(original === undefined ? [] : [original]), ...dups.slice(0, 3).map((d) => d.frame), r.frame] });
      }
      if (retrans.length > 0) {
        blocks.push({ kind: 'text', text: L(`Stream ${s}: retransmissions ${frameList(retrans.map((r) => r.frame))}. ${FLAG_RULES['retransmission']!.en}`, `流 ${s}：重传 ${frameList(retrans.map((r) => r.frame))}。${FLAG_RULES['retransmission']!.zh}`) });
        blocks.push({ kind: 'packets', frames: retrans.slice(0, 4).map((r) => r.frame) });
      }
    }
    if (!any) blocks.push({ kind: 'text', text: L('No segment arrived out of order and none was resent: the path neither lost nor reordered anything the capture saw.', '没有报文段失序，也没有重传：在抓包所见范围内，路径既没有丢包也没有打乱顺序。') });
    sections.push({ id: 'reordering', title: L('Out-of-order segments and fast retransmission', '失序处理与快速重传'), blocks });
  }

  // 5. Duplicates and gaps.
  {
    const blocks: ExplainBlock[] = [];
    for (const flag of ['duplicate_ack', 'lost_segment', 'ack_lost_segment', 'spurious_retransmission', 'window_update', 'zero_window', 'zero_window_probe', 'window_full', 'keep_alive'] as const) {
      const all = facts.flatMap((f) => flagged(f, flag));
      if (all.length === 0) continue;
      const rule = FLAG_RULES[flag]!;
      blocks.push({ kind: 'text', text: L(`${rule.en} Frames: ${frameList(all.map((r) => r.frame))}.`, `${rule.zh} 相关帧：${frameList(all.map((r) => r.frame))}。`) });
      blocks.push({ kind: 'packets', frames: all.slice(0, 3).map((r) => r.frame) });
    }
    if (blocks.length === 0) blocks.push({ kind: 'text', text: L('No duplicate ACKs, gaps or redundant segments.', '没有重复 ACK、缺口或冗余报文段。') });
    sections.push({ id: 'duplicates', title: L('Duplicate ACKs, redundant segments and gaps', '冗余包、重复 ACK 与缺失报文段'), blocks });
  }

  // 6. Teardown.
  {
    const blocks: ExplainBlock[] = [];
    for (const f of facts) {
      const t = f.conversation;
      const words = TEARDOWN_WORDS[t.teardown] ?? { en: t.teardown, zh: t.teardown };
      const steps = t.teardownFrames.map((n) => {
        const r = records.get(n);
        const who = r === undefined ? '?' : side(fromOf(r, t));
        const what = r === undefined ? '' : ((r.tcp_flags ?? 0) & TcpFlag.Rst) !== 0 ? 'RST' : ((r.tcp_flags ?? 0) & TcpFlag.Fin) !== 0 ? 'FIN' : 'ACK';
        return `#${n} ${who} ${what}`;
      });
      blocks.push({
        kind: 'text',
        text: L(
          `Stream ${t.stream}: ${words.en}${steps.length > 0 ? ` (${steps.join(', ')})` : ''}. A FIN, like a SYN, occupies one sequence number, so its ACK is the FIN's sequence number plus one; the four steps FIN, ACK, FIN, ACK often show as three frames when a side sends its FIN together with the ACK.`,
          `流 ${t.stream}：${words.zh}${steps.length > 0 ? `（${steps.join('，')}）` : ''}。FIN 和 SYN 一样占用一个序号，所以对它的确认号是 FIN 的序号加一；当一方把自己的 FIN 和 ACK 一起发出时，FIN、ACK、FIN、ACK 四步常常只显示为三帧。`,
        ),
      });
      blocks.push({ kind: 'packets', frames: t.teardownFrames.slice(0, 6) });
    }
    sections.push({ id: 'teardown', title: L('Connection teardown', '四次挥手'), blocks });
  }

  // 7. Parallel connections.
  {
    const blocks: ExplainBlock[] = [];
    if (analysis.parallelConnections.length === 0) {
      blocks.push({ kind: 'text', text: L('The client opened one connection at a time.', '客户端每次只打开一条连接。') });
    }
    for (const p of analysis.parallelConnections) {
      blocks.push({
        kind: 'text',
        text: L(
          `${p.client} opened streams ${p.streams.join(', ')} to ${p.server} at nearly the same moment, as a browser does to fetch several resources at once.${p.idleStreams.length > 0 ? ` Stream${p.idleStreams.length > 1 ? 's' : ''} ${p.idleStreams.join(', ')} carried (almost) nothing and ${p.idleStreams.length > 1 ? 'were' : 'was'} closed early: the browser opened a spare connection it did not need.` : ''}`,
          `${p.client} 几乎同时向 ${p.server} 打开了流 ${p.streams.join('、')}，浏览器就是这样并行获取多个资源的。${p.idleStreams.length > 0 ? `流 ${p.idleStreams.join('、')} 几乎没有传送数据就被提前关闭：浏览器多开了一条备用连接却没有用上。` : ''}`,
        ),
      });
      const rows = p.streams.map((s) => {
        const f = facts.find((x) => x.conversation.stream === s);
        const reqs = f === undefined ? undefined : requestsOf(f.conversation);
        return [String(s), `#${f?.conversation.firstFrame ?? '?'}`, `${f?.conversation.bytes[0] ?? 0} / ${f?.conversation.bytes[1] ?? 0}`, reqs === undefined ? L('(encrypted)', '（已加密）') : reqs.map((r) => formatRequest(r)).join('; ')];
      });
      blocks.push({ kind: 'table', head: [L('stream', '流'), 'SYN', L('bytes c→s / s→c', '字节 客→服 / 服→客'), L('requests', '请求')], rows });
    }
    sections.push({ id: 'parallel', title: L("The browser's parallel connections", '浏览器的并行连接'), blocks });
  }

  // 8. RTT and throughput.
  const near = main.capturedAt ?? 'client';
  const rttSide: DirectionFacts = main[near];
  {
    const blocks: ExplainBlock[] = [];
    const samples = rttSide.rtt;
    blocks.push({
      kind: 'text',
      text: L(
        `The capture sat at the ${side(near)} (the SYN to SYN-ACK gap holds most of the initial RTT), so the ${side(near)}'s own segments and the ACKs coming back show the whole round trip: ${samples.length} RTT samples, each a first transmission and the first ACK at or beyond its end (retransmitted segments are left out, after Karn). EstimatedRTT = (1 − α)·EstimatedRTT + α·SampleRTT with α = ${RTT_ALPHA}.`,
        `抓包点在${side(near)}一侧（SYN 到 SYN-ACK 的间隔占了初始 RTT 的大部分），所以${side(near)}自己发出的报文段和返回的 ACK 反映了完整的往返时间：共 ${samples.length} 个 RTT 样本，每个样本是一次首次发送和第一个覆盖其末尾的 ACK（按 Karn 算法排除重传的报文段）。EstimatedRTT = (1 − α)·EstimatedRTT + α·SampleRTT，α = ${RTT_ALPHA}。`,
      ),
    });
    if (samples.length > 0) {
      blocks.push({
        kind: 'table',
        head: [L('segment', '报文段'), 'Seq', L('length', '长度'), 'ACK', 'SampleRTT', 'EstimatedRTT'],
        rows: samples.slice(0, 8).map((s) => [`#${s.segmentFrame}`, String(s.seq), String(s.len), `#${s.ackFrame}`, ms(s.sampleMs), ms(s.estimatedMs)]),
      });
    }
    const rows = facts.map((f) => [String(f.conversation.stream), `${f.durationS.toFixed(3)} s`, rate(f.client.throughputBps), rate(f.server.throughputBps)]);
    blocks.push({ kind: 'text', text: L('Throughput per connection (payload bytes between the first and last data segment of each direction, retransmissions not counted):', '每条连接的吞吐量（各方向第一个到最后一个数据报文段之间的数据字节，不计重传）：') });
    blocks.push({ kind: 'table', head: [L('stream', '流'), L('duration', '持续时间'), L('client→server', '客户端→服务器'), L('server→client', '服务器→客户端')], rows });
    sections.push({ id: 'rtt', title: L('RTT and throughput', 'RTT 与吞吐量'), blocks });
  }

  // 9. The classic lab questions.
  {
    const items: string[] = [];
    const syn = rec(c.handshake.synFrame);
    const synAck = rec(c.handshake.synAckFrame);
    items.push(L(`Client and server: ${endpoint(c, 'client')} → ${endpoint(c, 'server')} (stream ${c.stream}).`, `客户端与服务器：${endpoint(c, 'client')} → ${endpoint(c, 'server')}（流 ${c.stream}）。`));
    if (syn !== undefined) items.push(L(`The SYN (#${syn.frame}) has sequence number ${syn.seq_raw} (relative 0); the SYN flag set in the TCP header (flags 0x${(syn.tcp_flags ?? 0).toString(16).padStart(3, '0')}) marks it as a SYN.`, `SYN（#${syn.frame}）的序号是 ${syn.seq_raw}（相对序号 0）；TCP 首部中置位的 SYN 标志（flags 0x${(syn.tcp_flags ?? 0).toString(16).padStart(3, '0')}）表明它是 SYN 报文段。`));
    if (synAck !== undefined && syn !== undefined) items.push(L(`The SYN-ACK (#${synAck.frame}) has sequence number ${synAck.seq_raw} and ack ${synAck.ack_raw}: the server adds one to the SYN's ${syn.seq_raw}, because the SYN consumed one sequence number; its SYN and ACK flags are both set.`, `SYN-ACK（#${synAck.frame}）的序号是 ${synAck.seq_raw}，确认号是 ${synAck.ack_raw}：服务器把 SYN 的序号 ${syn.seq_raw} 加一，因为 SYN 占用了一个序号；它同时置位了 SYN 和 ACK 标志。`));
    const firstClientData = main.frames.find((r) => r.src === c.client.address && r.sport === c.client.port && (r.tcp_len ?? 0) > 0);
    const firstRequest = main.frames.find((r) => r.src === c.client.address && r.sport === c.client.port && r.tls?.content_types.includes(23));
    if (firstClientData !== undefined) items.push(L(`The first segment with data is #${firstClientData.frame} (Seq=${firstClientData.seq}, ${firstClientData.tcp_len} bytes: ${firstClientData.info}); the first HTTP request travels encrypted in #${firstRequest?.frame ?? '–'} (Application Data).`, `第一个携带数据的报文段是 #${firstClientData.frame}（Seq=${firstClientData.seq}，${firstClientData.tcp_len} 字节：${firstClientData.info}）；第一个 HTTP 请求加密后位于 #${firstRequest?.frame ?? '–'}（Application Data）。`));
    const firstSix = rttSide.rtt.slice(0, 6);
    if (firstSix.length > 0) {
      items.push(
        L(
          `RTT of the ${side(near)}'s first ${firstSix.length} segments: ${firstSix.map((s) => `#${s.segmentFrame} ${ms(s.sampleMs)}`).join(', ')}; EstimatedRTT after each: ${firstSix.map((s) => ms(s.estimatedMs)).join(', ')} (α = ${RTT_ALPHA}). Their lengths: ${firstSix.map((s) => s.len).join(', ')} bytes.`,
          `${side(near)}前 ${firstSix.length} 个报文段的 RTT：${firstSix.map((s) => `#${s.segmentFrame} ${ms(s.sampleMs)}`).join('，')}；每次之后的 EstimatedRTT：${firstSix.map((s) => ms(s.estimatedMs)).join('，')}（α = ${RTT_ALPHA}）。它们的长度：${firstSix.map((s) => s.len).join('，')} 字节。`,
        ),
      );
    }
    const receiverSide = main.bulk === 'server' ? main.client : main.server;
    items.push(L(`The smallest window the receiver (${side(receiverSide.from)}) advertised: ${receiverSide.minWindow?.bytes ?? '–'} bytes in #${receiverSide.minWindow?.frame ?? '–'}${(receiverSide.minWindow?.bytes ?? 1) === 0 ? ', a zero window: the sender had to stop' : '; it never throttled the sender to zero'}.`, `接收方（${side(receiverSide.from)}）通告的最小窗口：#${receiverSide.minWindow?.frame ?? '–'} 中的 ${receiverSide.minWindow?.bytes ?? '–'} 字节${(receiverSide.minWindow?.bytes ?? 1) === 0 ? '，是零窗口：发送方不得不停下' : '；它从未把发送方限制到零'}。`));
    const retrans = facts.flatMap((f) => f.frames.filter((r) => r.flags.includes('retransmission')));
    items.push(L(`Retransmitted segments: ${retrans.length} (${frameList(retrans.map((r) => r.frame))}); Wireshark finds them by sequence numbers that were already seen.`, `重传的报文段：${retrans.length} 个（${frameList(retrans.map((r) => r.frame))}）；Wireshark 通过已经出现过的序号识别它们。`));
    const bulk = main[main.bulk];
    items.push(L(`Throughput of stream ${c.stream} ${main.bulk}→${main.bulk === 'server' ? 'client' : 'server'}: ${rate(bulk.throughputBps)} (${bulk.bytes} bytes${bulk.throughputBps === undefined ? '' : ` in ${(bulk.bytes / bulk.throughputBps).toFixed(3)} s`}).`, `流 ${c.stream} ${side(main.bulk)}方向的吞吐量：${rate(bulk.throughputBps)}（${bulk.bytes} 字节${bulk.throughputBps === undefined ? '' : `，用时 ${(bulk.bytes / bulk.throughputBps).toFixed(3)} 秒`}）。`));
    items.push(L(`Total: ${kib(c.bytes[0] + c.bytes[1])} of payload on stream ${c.stream}.`, `合计：流 ${c.stream} 上共 ${kib(c.bytes[0] + c.bytes[1])} 数据。`));
    sections.push({ id: 'questions', title: L('The lab questions', '实验问题解答'), blocks: [{ kind: 'list', items }] });
  }

  return { lang, title: L('What happened in this capture', '这次抓包发生了什么'), sections, records, startNs };
}

function fromOf(r: FrameRecord, c: ConversationReport): 'client' | 'server' {
  return r.src === c.client.address && r.sport === c.client.port ? 'client' : 'server';
}

/** The explanation as Markdown: sections, text, packet lines in code blocks, lists and tables. */
export function renderExplanationMarkdown(doc: Explanation): string {
  const out: string[] = [`# ${doc.title}`, ''];
  for (const section of doc.sections) {
    out.push(`## ${section.title}`, '');
    for (const block of section.blocks) {
      if (block.kind === 'text') out.push(block.text, '');
      else if (block.kind === 'list') out.push(...block.items.map((i) => `- ${i}`), '');
      else if (block.kind === 'packets') {
        const lines = block.frames.map((n) => doc.records.get(n)).filter((r): r is FrameRecord => r !== undefined);
        if (lines.length > 0) out.push('```', ...lines.map((r) => formatPacketLine(r, doc.startNs)), '```', '');
      } else {
        const esc = (cell: string): string => cell.replace(/\|/g, '\\|');
        out.push(`| ${block.head.map(esc).join(' | ')} |`, `|${block.head.map(() => '---').join('|')}|`, ...block.rows.map((row) => `| ${row.map(esc).join(' | ')} |`), '');
      }
    }
  }
  return out.join('\n');
}
