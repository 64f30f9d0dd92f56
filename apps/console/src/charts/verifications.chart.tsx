import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { Granularity, KeyAddress } from '../api/api.types';
import { ErrorBanner } from '../ui/error-banner';
import { fillBuckets, outcomeColour, outcomeTotals, RANGE_LABEL } from './buckets';
import { useVerifications } from './use-verifications';

/** A key's verifications over time, stacked by outcome, with the numbers as text beside the canvas. */
export function VerificationsChart({ keyAddress }: { readonly keyAddress: KeyAddress }) {
  const [granularity, setGranularity] = useState<Granularity>('hour');
  const { state, reload } = useVerifications(keyAddress, granularity);
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = host.current;
    if (state.kind !== 'loaded' || element === null) return;
    const { starts, byOutcome } = fillBuckets(state.data);
    // uPlot does not stack: each series is drawn as the running sum up to its outcome, tallest
    // first, so each outcome shows as its own band; the legend and tooltip show the raw count.
    const codes = [...byOutcome.keys()];
    const cumulative: number[][] = [];
    let running = starts.map(() => 0);
    for (const code of codes) {
      running = running.map((sum, i) => sum + byOutcome.get(code)![i]);
      cumulative.push(running);
    }
    const order = codes.map((_, i) => i).reverse();
    const bars = uPlot.paths.bars!({ size: [0.8, 48] });
    const plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 240,
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [
          {},
          ...order.map((i) => ({
            label: codes[i],
            stroke: outcomeColour(codes[i]),
            fill: outcomeColour(codes[i]),
            paths: bars,
            points: { show: false },
            value: (_u: uPlot, _v: number | null, _series: number, index: number | null) =>
              index === null ? '—' : String(byOutcome.get(codes[i])![index]),
          })),
        ],
        axes: [{}, { label: 'verifications' }],
      },
      [starts, ...order.map((i) => cumulative[i])],
      element,
    );
    return () => plot.destroy();
  }, [state]);

  return (
    <section className="chart" aria-label="Verifications">
      <header>
        <h3>Verifications</h3>
        <label>
          Granularity
          <select value={granularity} onChange={(e) => setGranularity(e.target.value as Granularity)}>
            <option value="minute">minute ({RANGE_LABEL.minute})</option>
            <option value="hour">hour ({RANGE_LABEL.hour})</option>
            <option value="day">day ({RANGE_LABEL.day})</option>
          </select>
        </label>
        <button type="button" onClick={reload}>Refresh</button>
      </header>
      {state.kind === 'loading' && <p className="muted">Loading…</p>}
      {state.kind === 'no-data' && <p className="muted" data-testid="verifications-summary">No verification data.</p>}
      {state.kind === 'error' && <ErrorBanner error={state.error} />}
      {state.kind === 'loaded' && <Summary totals={outcomeTotals(state.data)} granularity={granularity} />}
      <div ref={host} className="chart-canvas" />
    </section>
  );
}

function Summary({ totals, granularity }: { totals: ReturnType<typeof outcomeTotals>; granularity: Granularity }) {
  return (
    <p data-testid="verifications-summary">
      {totals.total === 0
        ? `No verifications in the ${RANGE_LABEL[granularity]}.`
        : `${totals.total} verifications in the ${RANGE_LABEL[granularity]}: ${totals.byOutcome.map(([code, n]) => `${code} ${n}`).join(', ')}`}
    </p>
  );
}
