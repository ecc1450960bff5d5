// Charts drawn from the JSON a page carries beside each <canvas data-chart="…">. The numbers are
// also in the table under each chart; the canvas is hidden from screen readers and from print.

// Okabe-Ito: told apart with every common kind of colour blindness.
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

function draw(canvas) {
  const source = document.getElementById(canvas.dataset.chart);
  if (!source || typeof Chart === "undefined") return;
  const spec = JSON.parse(source.textContent);
  // Counts get whole-number ticks; hours may be fractional.
  const whole = spec.series.every((series) => series.values.every(Number.isInteger));
  const value = { beginAtZero: true, stacked: spec.stacked, ticks: whole ? { precision: 0 } : {} };
  const label = { stacked: spec.stacked };
  new Chart(canvas, {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: spec.series.map((series, index) => ({
        label: series.label,
        data: series.values,
        backgroundColor: PALETTE[index % PALETTE.length],
        borderColor: PALETTE[index % PALETTE.length],
      })),
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? "y" : "x",
      plugins: { legend: { display: spec.series.length > 1 } },
      scales: spec.horizontal ? { x: value, y: label } : { x: label, y: value },
    },
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) draw(canvas);
});
