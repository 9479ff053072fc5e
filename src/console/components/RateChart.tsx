/** A small bar chart of events per second (oldest left), drawn as SVG: no chart library for 60 bars. */
export function RateChart({ series, what = 'messages' }: { series: number[]; what?: string }) {
  const w = 300;
  const h = 60;
  const max = Math.max(1, ...series);
  const bw = w / series.length;
  const total = series.reduce((a, b) => a + b, 0);
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${w} ${h}`}
      role="img"
      aria-label={`${what} per second over the last ${series.length} s: ${total} ${what}, peak ${max === 1 && total === 0 ? 0 : max}`}
    >
      <line x1="0" y1={h - 0.5} x2={w} y2={h - 0.5} class="axis" />
      {series.map((v, i) => {
        const bh = (v / max) * (h - 4);
        return <rect key={i} x={i * bw + 0.5} y={h - bh} width={Math.max(1, bw - 1)} height={bh} />;
      })}
    </svg>
  );
}
