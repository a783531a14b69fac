import { expect } from 'chai';
import { Expert, INFO_TAG_ORDER, renderExpertSummary, renderInfoTags } from '../../../analyzer/analysis/expert.js';
import type { Finding } from '../../../analyzer/analysis/expert.js';
import { listTcpAnalysisFlags, TcpAnalysisFlag } from '../../../analyzer/analysis/tcp/analysis-flag.js';

describe('expert', () => {
  it('renders the tshark summary with values from the detail', () => {
    expect(renderExpertSummary('tcp.analysis.duplicate_ack', { dupAckNum: 3, dupAckFrame: 43 })).to.equal('Duplicate ACK (#3)');
    expect(renderExpertSummary('tcp.connection.syn', { serverPort: 443 })).to.equal(
      'Connection establish request (SYN): server port 443',
    );
  });

  it('orders Info tags as Wireshark 4.0 shows them and hides Retransmission under Fast', () => {
    const at = (id: Finding['id'], detail?: Finding['detail']): Finding => ({ frame: 9, stream: 0, id, ...(detail ? { detail } : {}) });
    expect(
      renderInfoTags([
        at('tcp.analysis.retransmission'),
        at('tcp.analysis.fast_retransmission'),
        at('tcp.analysis.ack_lost_segment'),
        at('tcp.analysis.duplicate_ack', { dupAckNum: 3, dupAckFrame: 43 }),
        at('tcp.analysis.zero_window'),
      ]),
    ).to.equal('[TCP ZeroWindow] [TCP Dup ACK 43#3] [TCP ACKed unseen segment] [TCP Fast Retransmission]');
  });

  it('gives every Info-tag id a tag text', () => {
    for (const id of INFO_TAG_ORDER) expect(Expert[id].infoTag, id).to.be.a('string');
  });

  it('lists flag names sorted, adding retransmission to fast and spurious ones', () => {
    expect(listTcpAnalysisFlags(TcpAnalysisFlag.SpuriousRetransmission | TcpAnalysisFlag.WindowFull)).to.deep.equal([
      'retransmission',
      'spurious_retransmission',
      'window_full',
    ]);
    expect(listTcpAnalysisFlags(0)).to.deep.equal([]);
  });
});
