import { KeyVerifications } from '../api/api.types';
import { fillBuckets } from './buckets';

const WIDTH = 108;
const HEIGHT = 24;

/** 36 hourly bars, accepted below refused: small enough for a table row, no canvas per row. */
export function Sparkline({ data }: { readonly data: KeyVerifications | null }) {
  if (data === null) return <span className="muted">no data</span>;
  const { starts, totals, byOutcome } = fillBuckets(data);
  const valid = byOutcome.get('VALID') ?? starts.map(() => 0);
  const peak = Math.max(1, ...totals);
  const step = WIDTH / starts.length;
  const sum = totals.reduce((a, b) => a + b, 0);
  return (
    <svg className="sparkline" width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`${sum} verifications in 36 hours`}>
      <title>{`${sum} verifications in 36 hours`}</title>
      {starts.map((start, i) => {
        const okHeight = (valid[i] / peak) * HEIGHT;
        const badHeight = ((totals[i] - valid[i]) / peak) * HEIGHT;
        return (
          <g key={start}>
            <rect className="spark-ok" x={i * step} y={HEIGHT - okHeight} width={Math.max(1, step - 1)} height={okHeight} />
            <rect className="spark-bad" x={i * step} y={HEIGHT - okHeight - badHeight} width={Math.max(1, step - 1)} height={badHeight} />
          </g>
        );
      })}
    </svg>
  );
}
