// README example: analyse a capture with the library and print what TCP and TLS did.
import { analyzeCapture, formatConversation } from 'wirelab/analyzer';

const file = process.argv[2] ?? 'test/fixtures/captures/kernel/02_lost_fast_retrans.pcap';
const analysis = await analyzeCapture(file);

console.log(`${analysis.frameCount} frames, ${analysis.conversations.length} TCP conversation(s)`);
for (const conversation of analysis.conversations) console.log(formatConversation(conversation));
const fast = analysis.findings.filter((f) => f.id === 'tcp.analysis.fast_retransmission');
console.log(`fast retransmissions in frames: ${fast.map((f) => f.frame).join(', ') || 'none'}`);
