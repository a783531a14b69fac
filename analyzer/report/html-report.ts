/**
 * html-report.ts: one self-contained HTML file from an Analysis: conversation table, a flow graph per
 * conversation (Wireshark's Flow Graph ladder), a Stevens time-sequence graph, throughput, RTT and window
 * graphs, the expert summary and the explanation; every mark opens its frame's details, graphs zoom.
 * Plain SVG and a few lines of inline script, no charting library: the graphs are few and simple, the
 * output must be byte-for-byte deterministic (snapshot tests), and the file must work offline with
 * nothing to vendor or update. Pure string building; no I/O.
 */
import type { Analysis, ConversationReport, FrameRecord } from '../analysis-result.js';
import { TcpFlag } from '../packet/packet.js';
import { explainAnalysis, formatRequest, requestsOf, type ExplainBlock, type ExplainLanguage, type Explanation } from './explain.js';
import { captureStartNs, formatCompleteness, labFacts, relativeSeconds, sackBlocks, type ConversationFacts } from './lab-facts.js';
import { formatPacketLine } from './text.js';

/** Options of {@link renderHtmlReport}. */
export interface HtmlReportOptions {
  /** Language of the explanation and the headings; default 'en'. */
  readonly lang?: ExplainLanguage;
  /** Conversations drawn (the largest by payload first); default 8. */
  readonly maxConversations?: number;
  /** Rows of one flow graph; default 1500 (the rest is named, not drawn). */
  readonly maxFlowRows?: number;
  /** Frames whose details are embedded; default 50 000. */
  readonly maxFrames?: number;
}

const esc = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Numbers in SVG with at most two decimals, so the output is stable and short. */
const n2 = (v: number): string => (Math.round(v * 100) / 100).toString();

/** Flags that colour a mark, most important first. */
const FLAG_CLASSES = ['fast_retransmission', 'spurious_retransmission', 'retransmission', 'out_of_order', 'lost_segment', 'ack_lost_segment', 'duplicate_ack', 'zero_window', 'window_full', 'window_update', 'keep_alive'] as const;

function flagClass(r: FrameRecord): string {
  for (const f of FLAG_CLASSES) if (r.flags.includes(f)) return f.replace(/_/g, '-');
  if (((r.tcp_flags ?? 0) & TcpFlag.Rst) !== 0) return 'rst';
  return '';
}

/** Round tick steps (1, 2, 5 × 10^k) for an axis. */
function ticks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

interface Plot {
  readonly x: (v: number) => number;
  readonly y: (v: number) => number;
  readonly open: string;
  readonly close: string;
}

const W = 900;
const H = 320;
const M = { left: 70, right: 16, top: 12, bottom: 36 };

/** An SVG plot frame with axes; marks go between `open` and `close` inside the zoomable group. */
function plot(kind: string, title: string, xDomain: [number, number], yDomain: [number, number], xLabel: string, yLabel: string, yFormat: (v: number) => string = (v) => String(v)): Plot {
  const [x0, x1] = xDomain[1] > xDomain[0] ? xDomain : [xDomain[0], xDomain[0] + 1];
  const [y0, y1] = yDomain[1] > yDomain[0] ? yDomain : [yDomain[0], yDomain[0] + 1];
  const x = (v: number): number => M.left + ((v - x0) / (x1 - x0)) * (W - M.left - M.right);
  const y = (v: number): number => H - M.bottom - ((v - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const axes: string[] = [];
  for (const t of ticks(x0, x1)) axes.push(`<line class="grid" x1="${n2(x(t))}" x2="${n2(x(t))}" y1="${M.top}" y2="${H - M.bottom}"/><text class="tick" x="${n2(x(t))}" y="${H - M.bottom + 14}" text-anchor="middle">${n2(t)}</text>`);
  for (const t of ticks(y0, y1)) axes.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${n2(y(t))}" y2="${n2(y(t))}"/><text class="tick" x="${M.left - 4}" y="${n2(y(t) + 4)}" text-anchor="end">${esc(yFormat(t))}</text>`);
  const open = [
    `<figure class="graph"><figcaption>${esc(title)} <button type="button" class="reset" title="reset zoom">reset zoom</button></figcaption>`,
    `<svg class="${kind}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" data-x0="${M.left}" data-x1="${W - M.right}" role="img" aria-label="${esc(title)}">`,
    `<defs><clipPath id="clip-${kind}-${esc(title).replace(/[^a-z0-9]/gi, '')}"><rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}"/></clipPath></defs>`,
    `<g class="axes">${axes.join('')}<text class="label" x="${(W + M.left) / 2}" y="${H - 4}" text-anchor="middle">${esc(xLabel)}</text><text class="label" transform="translate(12 ${(H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text></g>`,
    `<g clip-path="url(#clip-${kind}-${esc(title).replace(/[^a-z0-9]/gi, '')})"><g class="zoom">`,
  ].join('');
  return { x, y, open, close: '</g></g></svg></figure>' };
}

const fromClient = (r: FrameRecord, c: ConversationReport): boolean => r.src === c.client.address && r.sport === c.client.port;

function tcpFlagsText(flags: number): string {
  const names: string[] = [];
  for (const [bit, name] of [[TcpFlag.Syn, 'SYN'], [TcpFlag.Fin, 'FIN'], [TcpFlag.Rst, 'RST'], [TcpFlag.Psh, 'PSH'], [TcpFlag.Ack, 'ACK']] as const) if ((flags & bit) !== 0) names.push(name);
  return names.join(', ');
}

/** Wireshark's Flow Graph: one row per frame, an arrow between the two hosts, time on the left. */
function flowGraph(f: ConversationFacts, startNs: bigint, maxRows: number, T: (en: string, zh: string) => string): string {
  const c = f.conversation;
  const rows = f.frames.slice(0, maxRows);
  const rowH = 22;
  const top = 40;
  const xc = 260;
  const xs = 760;
  const height = top + rows.length * rowH + 10;
  const out: string[] = [
    `<div class="flow-wrap"><svg class="flow" viewBox="0 0 900 ${height}" width="900" height="${height}" role="img" aria-label="flow graph stream ${c.stream}">`,
    `<text class="host" x="${xc}" y="16" text-anchor="middle">${esc(`${c.client.address}:${c.client.port}`)}</text><text class="host" x="${xs}" y="16" text-anchor="middle">${esc(`${c.server.address}:${c.server.port}`)}</text>`,
    `<line class="lifeline" x1="${xc}" x2="${xc}" y1="24" y2="${height}"/><line class="lifeline" x1="${xs}" x2="${xs}" y1="24" y2="${height}"/>`,
  ];
  rows.forEach((r, i) => {
    const y = top + i * rowH + 12;
    const right = fromClient(r, c);
    const [a, b] = right ? [xc, xs] : [xs, xc];
    const cls = flagClass(r);
    const label = `${tcpFlagsText(r.tcp_flags ?? 0)} Seq=${r.seq ?? ''} Ack=${r.ack ?? ''} Len=${r.tcp_len ?? 0}${r.flags.length > 0 ? ` [${r.flags.join(', ')}]` : ''}${r.tls !== null ? ` ${r.info.replace(/^\[[^\]]*\]\s*,?\s*/, '')}` : ''}`;
    out.push(
      `<g class="mark row ${cls}" data-frame="${r.frame}"><text class="time" x="8" y="${y + 4}">${relativeSeconds(r, startNs).toFixed(6)}</text><text class="num" x="100" y="${y + 4}">#${r.frame}</text>` +
        `<line class="arrow" x1="${a}" x2="${right ? b - 6 : b + 6}" y1="${y}" y2="${y}"/><path class="head" d="M${b} ${y} l${right ? -8 : 8} -4 v8 z"/>` +
        `<text class="lbl" x="${(xc + xs) / 2}" y="${y - 3}" text-anchor="middle">${esc(label.length > 90 ? `${label.slice(0, 89)}…` : label)}</text></g>`,
    );
  });
  out.push('</svg></div>');
  if (f.frames.length > rows.length) out.push(`<p class="note">${T(`The first ${rows.length} of ${f.frames.length} frames are drawn.`, `只画出了 ${f.frames.length} 帧中的前 ${rows.length} 帧。`)}</p>`);
  return out.join('');
}

/** The Stevens / tcptrace time-sequence graph of the bulk direction. */
function timeSequenceGraph(f: ConversationFacts, startNs: bigint, T: (en: string, zh: string) => string): string {
  const c = f.conversation;
  const senderIsClient = f.bulk === 'client';
  const data = f.frames.filter((r) => (r.tcp_len ?? 0) > 0 && fromClient(r, c) === senderIsClient);
  const acks = f.frames.filter((r) => fromClient(r, c) !== senderIsClient && ((r.tcp_flags ?? 0) & TcpFlag.Ack) !== 0 && r.ack !== null);
  const all = [...data, ...acks];
  if (all.length === 0) return '';
  const times = all.map((r) => relativeSeconds(r, startNs));
  const maxSeq = Math.max(...data.map((r) => r.nxtseq ?? 0), ...acks.map((r) => (r.ack ?? 0) + (r.win ?? 0)));
  const minSeq = Math.min(...data.map((r) => r.seq ?? 0), ...acks.map((r) => r.ack ?? 0));
  const p = plot('tsg', T(`Stream ${c.stream}: time-sequence graph (Stevens), ${f.bulk}→${senderIsClient ? 'server' : 'client'}`, `流 ${c.stream}：时间-序号图（Stevens），${senderIsClient ? '客户端→服务器' : '服务器→客户端'}`), [Math.min(...times), Math.max(...times)], [minSeq, maxSeq], T('time (s)', '时间（秒）'), T('relative sequence number', '相对序号'));
  const out: string[] = [p.open];
  // The receive window edge (ack + window) and the ACK line as steps.
  const step = (value: (r: FrameRecord) => number, cls: string): string => {
    let d = '';
    let last: number | undefined;
    for (const r of acks) {
      const x = n2(p.x(relativeSeconds(r, startNs)));
      const y = n2(p.y(value(r)));
      d += last === undefined ? `M${x} ${y}` : `H${x}V${y}`;
      last = value(r);
    }
    return d === '' ? '' : `<path class="${cls}" d="${d}"/>`;
  };
  out.push(step((r) => (r.ack ?? 0) + (r.win ?? 0), 'rwin'), step((r) => r.ack ?? 0, 'ackline'));
  for (const r of acks) {
    const x = p.x(relativeSeconds(r, startNs));
    for (const [left, right] of sackBlocks(r)) out.push(`<line class="sack" x1="${n2(x)}" x2="${n2(x)}" y1="${n2(p.y(left))}" y2="${n2(p.y(right))}"/>`);
    if (r.flags.includes('duplicate_ack')) out.push(`<circle class="mark dupack duplicate-ack" data-frame="${r.frame}" cx="${n2(x)}" cy="${n2(p.y(r.ack ?? 0))}" r="3"/>`);
  }
  for (const r of data) {
    const x = n2(p.x(relativeSeconds(r, startNs)));
    const y0 = n2(p.y(r.seq ?? 0));
    const y1 = n2(p.y(r.nxtseq ?? r.seq ?? 0));
    out.push(`<path class="mark seg ${flagClass(r)}" data-frame="${r.frame}" d="M${x} ${y0}V${y1}M${n2(Number(x) - 2)} ${y0}h4M${n2(Number(x) - 2)} ${y1}h4"/>`);
  }
  out.push(p.close);
  out.push(`<p class="legend">${T('Legend: each I-beam is one data segment from Seq to Seq+Len (blue; red: retransmission, dark red: fast retransmission, orange: out-of-order, purple: after a gap); green steps: the ACK line; grey steps: the receive window edge (ACK + window); short teal bars: SACK blocks; dots: duplicate ACKs. Drag to pan, wheel to zoom, double-click or "reset zoom" to reset.', '图例：每个工字形是一个数据报文段，从 Seq 到 Seq+Len（蓝色；红色：重传；深红：快速重传；橙色：失序；紫色：缺口之后）；绿色阶梯：ACK 线；灰色阶梯：接收窗口边缘（ACK + 窗口）；短青色线：SACK 块；圆点：重复 ACK。拖动平移，滚轮缩放，双击或“reset zoom”复原。')} ${T(`${data.length} segments drawn.`, `共画出 ${data.length} 个报文段。`)}</p>`);
  return out.join('');
}

function throughputGraph(f: ConversationFacts, startNs: bigint, T: (en: string, zh: string) => string): string {
  const c = f.conversation;
  const senderIsClient = f.bulk === 'client';
  const data = f.frames.filter((r) => (r.tcp_len ?? 0) > 0 && fromClient(r, c) === senderIsClient);
  if (data.length < 2) return '';
  const t0 = relativeSeconds(data[0]!, startNs);
  const t1 = relativeSeconds(data[data.length - 1]!, startNs);
  const bins = 40;
  const width = Math.max((t1 - t0) / bins, 1e-3);
  const sums = new Array<number>(bins + 1).fill(0);
  for (const r of data) sums[Math.min(bins, Math.floor((relativeSeconds(r, startNs) - t0) / width))]! += r.tcp_len ?? 0;
  const mbps = sums.map((b) => (b * 8) / width / 1e6);
  const p = plot('throughput', T(`Stream ${c.stream}: throughput, ${f.bulk}→${senderIsClient ? 'server' : 'client'}`, `流 ${c.stream}：吞吐量`), [t0, t0 + width * (bins + 1)], [0, Math.max(...mbps)], T('time (s)', '时间（秒）'), 'Mbit/s');
  const bars = mbps.map((v, i) => `<rect class="bar" x="${n2(p.x(t0 + i * width))}" y="${n2(p.y(v))}" width="${n2(p.x(t0 + width) - p.x(t0))}" height="${n2(p.y(0) - p.y(v))}"><title>${n2(v)} Mbit/s</title></rect>`);
  return `${p.open}${bars.join('')}${p.close}<p class="legend">${T(`Legend: payload bits per ${n2(width * 1000)} ms bin (retransmissions included), in Mbit/s.`, `图例：每 ${n2(width * 1000)} ms 区间的数据比特数（含重传），单位 Mbit/s。`)}</p>`;
}

function rttGraph(f: ConversationFacts, T: (en: string, zh: string) => string): string {
  const side = f.capturedAt ?? 'client';
  const samples = f[side].rtt;
  if (samples.length === 0) return '';
  const ts = samples.map((s) => s.timeS);
  const all = samples.flatMap((s) => [s.sampleMs, s.estimatedMs]);
  const p = plot('rtt', T(`Stream ${f.conversation.stream}: RTT of the ${side}'s segments`, `流 ${f.conversation.stream}：${side === 'client' ? '客户端' : '服务器'}报文段的 RTT`), [Math.min(...ts), Math.max(...ts)], [0, Math.max(...all) * 1.1], T('time (s)', '时间（秒）'), 'ms');
  const dots = samples.map((s) => `<circle class="mark sample" data-frame="${s.segmentFrame}" cx="${n2(p.x(s.timeS))}" cy="${n2(p.y(s.sampleMs))}" r="3"><title>#${s.segmentFrame}: ${n2(s.sampleMs)} ms</title></circle>`);
  const line = samples.map((s, i) => `${i === 0 ? 'M' : 'L'}${n2(p.x(s.timeS))} ${n2(p.y(s.estimatedMs))}`).join('');
  return `${p.open}<path class="estimated" d="${line}"/>${dots.join('')}${p.close}<p class="legend">${T('Legend: dots are SampleRTT (segment to the first ACK covering it, retransmissions left out); the line is EstimatedRTT with α = 0.125.', '图例：圆点为 SampleRTT（报文段到第一个覆盖它的 ACK，不含重传）；折线为 α = 0.125 的 EstimatedRTT。')}</p>`;
}

function windowGraph(f: ConversationFacts, startNs: bigint, T: (en: string, zh: string) => string): string {
  const c = f.conversation;
  const pts = f.frames.filter((r) => r.win !== null && ((r.tcp_flags ?? 0) & (TcpFlag.Syn | TcpFlag.Rst)) === 0);
  if (pts.length === 0) return '';
  const ts = pts.map((r) => relativeSeconds(r, startNs));
  const p = plot('window', T(`Stream ${c.stream}: advertised receive window`, `流 ${c.stream}：通告的接收窗口`), [Math.min(...ts), Math.max(...ts)], [0, Math.max(...pts.map((r) => r.win ?? 0))], T('time (s)', '时间（秒）'), T('bytes', '字节'));
  const line = (client: boolean): string => {
    const d = pts.filter((r) => fromClient(r, c) === client).map((r, i) => `${i === 0 ? 'M' : 'L'}${n2(p.x(relativeSeconds(r, startNs)))} ${n2(p.y(r.win ?? 0))}`).join('');
    return d === '' ? '' : `<path class="${client ? 'win-client' : 'win-server'}" d="${d}"/>`;
  };
  const zero = pts.filter((r) => r.flags.includes('zero_window')).map((r) => `<circle class="mark zero-window" data-frame="${r.frame}" cx="${n2(p.x(relativeSeconds(r, startNs)))}" cy="${n2(p.y(0))}" r="4"/>`);
  return `${p.open}${line(true)}${line(false)}${zero.join('')}${p.close}<p class="legend">${T("Legend: blue: the client's advertised window, orange: the server's (scaled bytes); red dots: zero windows.", '图例：蓝色为客户端通告的窗口，橙色为服务器的（已按缩放因子换算成字节）；红点：零窗口。')}</p>`;
}

/** `#N` in explanation text becomes a link to the frame's details. */
function linkFrames(text: string): string {
  return esc(text).replace(/(^|[\s(（,，、:：])#(\d+)/g, (_m, pre: string, n: string) => `${pre}<a class="mark" href="#frame-${n}" data-frame="${n}">#${n}</a>`);
}

function renderBlocks(blocks: readonly ExplainBlock[], doc: Explanation): string {
  return blocks
    .map((b) => {
      if (b.kind === 'text') return `<p>${linkFrames(b.text)}</p>`;
      if (b.kind === 'list') return `<ul>${b.items.map((i) => `<li>${linkFrames(i)}</li>`).join('')}</ul>`;
      if (b.kind === 'table') return `<div class="table-wrap"><table><thead><tr>${b.head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${b.rows.map((r) => `<tr>${r.map((cell) => `<td>${linkFrames(cell)}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`;
      const lines = b.frames.map((n) => doc.records.get(n)).filter((r): r is FrameRecord => r !== undefined);
      return lines.length === 0 ? '' : `<pre class="packets">${lines.map((r) => `<a class="mark" href="#frame-${r.frame}" data-frame="${r.frame}">${esc(formatPacketLine(r, doc.startNs))}</a>`).join('\n')}</pre>`;
    })
    .join('');
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#222;background:#fff}
main{max-width:1180px;margin:0 auto;padding:1em 1.5em 30em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left;vertical-align:top}th{background:#f4f4f4}
pre.packets{background:#f7f7f7;padding:.5em;overflow-x:auto;font-size:12px}pre.packets a{color:inherit;text-decoration:none;display:block}pre.packets a:hover{background:#e8f0ff}
a.mark{color:#0645ad}
.graph{margin:1em 0}.graph figcaption{font-weight:600}.graph svg{border:1px solid #ddd;cursor:grab;max-width:100%;height:auto;user-select:none}
.zoom *{vector-effect:non-scaling-stroke}.grid{stroke:#eee}.tick{font-size:10px;fill:#666}.label{font-size:11px;fill:#444}
.seg{stroke:#1f5fbf;stroke-width:1.2;fill:none}.ackline{stroke:#2a9d3a;fill:none;stroke-width:1}.rwin{stroke:#999;fill:none;stroke-dasharray:3 2}
.sack{stroke:#1aa3a3;stroke-width:1.5;opacity:.6}.table-wrap{overflow-x:auto}.dupack{fill:#c07000}.bar{fill:#5b8bd0}.estimated{stroke:#d04040;fill:none;stroke-width:1.5}.sample{fill:#1f5fbf}
.win-client{stroke:#1f5fbf;fill:none}.win-server{stroke:#e08020;fill:none}
.seg.retransmission,.seg.spurious-retransmission{stroke:#e03030;stroke-width:2.5}.seg.fast-retransmission{stroke:#900;stroke-width:3}.seg.out-of-order{stroke:#f08000;stroke-width:2.5}.seg.lost-segment{stroke:#8040c0;stroke-width:2}
.zero-window{fill:#e03030}
.flow-wrap{max-height:640px;overflow:auto;border:1px solid #ddd}.flow{font:11px ui-monospace,monospace}.flow .host{font-weight:700}.lifeline{stroke:#888}
.flow .arrow{stroke:#555}.flow .head{fill:#555}.flow .row{cursor:pointer}.flow .row:hover{background:#eef}
.flow .row.retransmission .arrow,.flow .row.fast-retransmission .arrow,.flow .row.spurious-retransmission .arrow{stroke:#e03030;stroke-width:2}
.flow .row.out-of-order .arrow{stroke:#f08000;stroke-width:2}.flow .row.duplicate-ack .arrow{stroke:#c07000}.flow .row.lost-segment .arrow{stroke:#8040c0;stroke-width:2}.flow .row.rst .arrow{stroke:#000;stroke-width:2}
.flow .row.retransmission text.lbl,.flow .row.fast-retransmission text.lbl{fill:#c00}.flow .row.duplicate-ack text.lbl{fill:#a06000}.flow .row.out-of-order text.lbl{fill:#c06000}
.selected .arrow,.seg.selected{stroke:#ff00aa!important;stroke-width:4!important}
#frame-detail{position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;background:#fffbe8;border-top:2px solid #e0c060;padding:.5em 1.5em;font-size:13px}
#frame-detail[hidden]{display:none}#frame-detail pre{white-space:pre-wrap;margin:.3em 0}#frame-detail button{float:right}
.note,.legend{color:#555;font-size:12px}
`;

/** Inline script: frame details on click, zoom and pan on the graphs. No network, no dependencies. */
const SCRIPT = `
(function(){
  var frames = JSON.parse(document.getElementById('frames').textContent);
  var panel = document.getElementById('frame-detail');
  function show(n){
    var f = frames[n];
    var body = panel.querySelector('.body');
    if(!f){ body.textContent = 'Frame ' + n + ' is not embedded in this report.'; panel.hidden = false; return; }
    var rows = [['Frame', String(n)], ['Packet', f.line]];
    Object.keys(f.fields).forEach(function(k){ rows.push([k, f.fields[k]]); });
    body.innerHTML = '';
    var h = document.createElement('h3'); h.textContent = 'Frame ' + n; body.appendChild(h);
    var pre = document.createElement('pre'); pre.textContent = f.line; body.appendChild(pre);
    var t = document.createElement('table');
    rows.slice(2).forEach(function(r){ var tr = t.insertRow(); tr.insertCell().textContent = r[0]; tr.insertCell().textContent = r[1]; });
    body.appendChild(t);
    panel.hidden = false;
    panel.dataset.frame = String(n);
    document.querySelectorAll('.selected').forEach(function(e){ e.classList.remove('selected'); });
    document.querySelectorAll('[data-frame="' + n + '"]').forEach(function(e){ if(e.tagName !== 'A') e.classList.add('selected'); });
  }
  document.addEventListener('click', function(e){
    var el = e.target.closest ? e.target.closest('[data-frame]') : null;
    if(!el) return;
    e.preventDefault();
    show(Number(el.getAttribute('data-frame')));
  });
  panel.querySelector('button').addEventListener('click', function(){ panel.hidden = true; });
  document.querySelectorAll('svg[data-x0]').forEach(function(svg){
    var g = svg.querySelector('g.zoom'); var k = 1, tx = 0, drag = null;
    var x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1);
    function apply(){ g.setAttribute('transform', 'translate(' + tx.toFixed(2) + ' 0) scale(' + k.toFixed(4) + ' 1)'); g.style.strokeWidth = ''; }
    function toSvgX(ev){ var r = svg.getBoundingClientRect(); return (ev.clientX - r.left) * (svg.viewBox.baseVal.width / r.width); }
    function clamp(){ if(k < 1){ k = 1; } var min = x1 - x1 * k, max = x0 - x0 * k; tx = Math.min(max, Math.max(min, tx)); }
    svg.addEventListener('wheel', function(ev){ ev.preventDefault(); var x = toSvgX(ev); var nk = k * (ev.deltaY < 0 ? 1.25 : 0.8); tx = x - (x - tx) * (nk / k); k = nk; clamp(); apply(); }, {passive:false});
    svg.addEventListener('mousedown', function(ev){ drag = {x: toSvgX(ev), tx: tx}; });
    window.addEventListener('mouseup', function(){ drag = null; });
    svg.addEventListener('mousemove', function(ev){ if(!drag) return; tx = drag.tx + (toSvgX(ev) - drag.x); clamp(); apply(); });
    function reset(){ k = 1; tx = 0; apply(); }
    svg.addEventListener('dblclick', reset);
    svg.parentNode.querySelector('button.reset').addEventListener('click', reset);
    svg.zoomBy = function(factor, at){ tx = at - (at - tx) * factor; k = k * factor; clamp(); apply(); };
  });
  if(location.hash.indexOf('#frame-') === 0) show(Number(location.hash.slice(7)));
})();
`;

/** The details embedded for one frame: its packet line and its fields. */
function frameDetail(r: FrameRecord, startNs: bigint): { line: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {
    time: `${relativeSeconds(r, startNs).toFixed(6)} s`,
    length: `${r.frame_len} bytes on the wire, ${r.cap_len} captured`,
    protocols: r.protocols,
  };
  if (r.src !== null) fields['addresses'] = `${r.src} → ${r.dst}`;
  if (r.stream !== null) {
    fields['tcp.stream'] = String(r.stream);
    fields['ports'] = `${r.sport} → ${r.dport}`;
    fields['flags'] = `0x${(r.tcp_flags ?? 0).toString(16).padStart(3, '0')} (${tcpFlagsText(r.tcp_flags ?? 0)})`;
    fields['seq'] = `${r.seq} (raw ${r.seq_raw})`;
    fields['ack'] = `${r.ack} (raw ${r.ack_raw})`;
    fields['next seq'] = String(r.nxtseq ?? '');
    fields['payload'] = `${r.tcp_len} bytes`;
    fields['window'] = `${r.win} bytes (field ${r.win_raw})`;
    if (r.flags.length > 0) fields['tcp.analysis'] = r.flags.join(', ');
    if (r.dup_ack_num !== null) fields['duplicate ACK'] = `#${r.dup_ack_num} of frame ${r.dup_ack_frame}`;
    if (r.completeness !== null) fields['completeness'] = formatCompleteness(r.completeness);
  }
  if (r.tls !== null) fields['tls'] = r.info;
  return { line: formatPacketLine(r, startNs), fields };
}

/**
 * Renders the report. Deterministic: the same analysis gives the same bytes (no clock, no randomness).
 * @example
 * writeFileSync('report.html', renderHtmlReport(await analyzeCapture('lab.pcapng')));
 */
export function renderHtmlReport(analysis: Analysis, options: HtmlReportOptions = {}): string {
  const lang = options.lang ?? 'en';
  const T = (en: string, zh: string): string => (lang === 'zh' ? zh : en);
  const startNs = captureStartNs(analysis);
  const facts = labFacts(analysis);
  const drawn = [...facts].sort((a, b) => b.client.bytes + b.server.bytes - (a.client.bytes + a.server.bytes) || a.conversation.stream - b.conversation.stream).slice(0, options.maxConversations ?? 8);
  drawn.sort((a, b) => a.conversation.stream - b.conversation.stream);
  const explanation = explainAnalysis(analysis, lang);
  const rate = (bps: number | undefined): string => (bps === undefined ? '–' : `${((bps * 8) / 1e6).toFixed(3)} Mbit/s`);

  const body: string[] = [];
  body.push(`<h1>${T('wirelab report', 'wirelab 分析报告')}: ${esc(analysis.source)}</h1>`);
  body.push(`<p>${T(`${analysis.frameCount} frames, ${analysis.conversations.length} TCP conversation(s). Click any mark, arrow or frame number to see the frame.`, `共 ${analysis.frameCount} 帧，${analysis.conversations.length} 条 TCP 连接。点击任意标记、箭头或帧号即可查看该帧。`)}</p>`);
  body.push(`<nav><a href="#conversations">${T('Conversations', '连接')}</a> · <a href="#graphs">${T('Graphs', '图')}</a> · <a href="#expert">${T('Expert summary', '专家信息')}</a> · <a href="#explanation">${T('Explanation', '解释')}</a></nav>`);

  body.push(`<h2 id="conversations">${T('Conversations', '连接')}</h2><div class="table-wrap"><table><thead><tr>${[T('stream', '流'), T('client', '客户端'), T('server', '服务器'), T('duration', '持续时间'), T('bytes c→s', '字节 客→服'), T('bytes s→c', '字节 服→客'), T('throughput s→c', '吞吐量 服→客'), 'iRTT', T('flags', '标记'), T('teardown', '结束方式'), 'TLS', T('requests', '请求'), 'completeness'].map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>`);
  for (const f of facts) {
    const c = f.conversation;
    const flagCounts = new Map<string, number>();
    for (const r of f.frames) for (const flag of r.flags) flagCounts.set(flag, (flagCounts.get(flag) ?? 0) + 1);
    const flags = [...flagCounts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(', ') || '–';
    const tls = c.tls === undefined ? '–' : `${c.tls.version ?? '?'} ${c.tls.cipherSuite ?? ''}${c.tls.sni === undefined ? '' : ` SNI ${c.tls.sni}`}${c.tls.alpn.length > 0 ? ` ALPN ${c.tls.alpn.join(',')}` : ''}`;
    const reqs = requestsOf(c);
    body.push(
      `<tr><td><a class="mark" href="#frame-${c.firstFrame}" data-frame="${c.firstFrame}">${c.stream}</a></td><td>${esc(`${c.client.address}:${c.client.port}`)}</td><td>${esc(`${c.server.address}:${c.server.port}`)}</td><td>${f.durationS.toFixed(3)} s</td><td>${c.bytes[0]}</td><td>${c.bytes[1]}</td><td>${rate(f.server.throughputBps)}</td><td>${c.handshake.rttNs === undefined ? '–' : `${(c.handshake.rttNs / 1e6).toFixed(3)} ms`}</td><td>${esc(flags)}</td><td>${esc(c.teardown)}</td><td>${esc(tls)}</td><td>${reqs === undefined ? T('(encrypted or none)', '（加密或无）') : reqs.map((r) => linkFrames(formatRequest(r))).join('<br>')}</td><td>${esc(formatCompleteness(c.completeness))}</td></tr>`,
    );
  }
  body.push('</tbody></table></div>');
  body.push(`<p class="legend">${T('completeness: the bits Wireshark saw in the stream (1 SYN, 2 SYN-ACK, 4 ACK, 8 DATA, 16 FIN, 32 RST); iRTT: SYN to the handshake ACK; flags: tcp.analysis flags and their counts.', 'completeness：Wireshark 在该流中见到的各部分（1 SYN、2 SYN-ACK、4 ACK、8 DATA、16 FIN、32 RST）；iRTT：SYN 到握手 ACK 的时间；标记：tcp.analysis 标记及其次数。')}</p>`);

  body.push(`<h2 id="graphs">${T('Graphs', '图')}</h2>`);
  if (facts.length > drawn.length) body.push(`<p class="note">${T(`The ${drawn.length} largest of ${facts.length} conversations are drawn.`, `只画出了 ${facts.length} 条连接中最大的 ${drawn.length} 条。`)}</p>`);
  for (const f of drawn) {
    const s = f.conversation.stream;
    body.push(`<section class="conversation" id="stream-${s}" data-stream="${s}"><h3>${T(`Stream ${s}`, `流 ${s}`)}: ${esc(`${f.conversation.client.address}:${f.conversation.client.port} → ${f.conversation.server.address}:${f.conversation.server.port}`)}</h3>`);
    body.push(timeSequenceGraph(f, startNs, T), throughputGraph(f, startNs, T), rttGraph(f, T), windowGraph(f, startNs, T));
    body.push(`<h4>${T('Flow graph', '流程图')}</h4>`, flowGraph(f, startNs, options.maxFlowRows ?? 1500, T), '</section>');
  }

  body.push(`<h2 id="expert">${T('Expert summary', '专家信息')}</h2>`);
  if (analysis.expertSummary.length === 0) body.push(`<p>${T('No expert items.', '没有专家信息。')}</p>`);
  else {
    body.push(`<table><thead><tr><th>${T('severity', '级别')}</th><th>${T('group', '分组')}</th><th>${T('summary', '摘要')}</th><th>${T('count', '次数')}</th></tr></thead><tbody>`);
    for (const row of analysis.expertSummary) body.push(`<tr class="sev-${row.severity}"><td>${row.severity}</td><td>${esc(row.group)}</td><td>${esc(row.summary)}</td><td>${row.count}</td></tr>`);
    body.push('</tbody></table>');
  }

  body.push(`<h2 id="explanation">${T('Explanation', '解释')}</h2>`);
  for (const section of explanation.sections) body.push(`<section class="explain" id="explain-${section.id}"><h3>${esc(section.title)}</h3>${renderBlocks(section.blocks, explanation)}</section>`);

  const embedded: Record<number, ReturnType<typeof frameDetail>> = {};
  for (const r of analysis.frames.slice(0, options.maxFrames ?? 50_000)) embedded[r.frame] = frameDetail(r, startNs);
  // `</` cannot end the script element early: JSON escapes it.
  const framesJson = JSON.stringify(embedded).replace(/</g, '\\u003c');

  return [
    '<!doctype html>',
    `<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
    `<title>${esc(`wirelab report: ${analysis.source}`)}</title><style>${CSS}</style></head><body><main>`,
    ...body,
    '</main>',
    `<aside id="frame-detail" hidden><button type="button">${T('close', '关闭')}</button><div class="body"></div></aside>`,
    `<script type="application/json" id="frames">${framesJson}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
