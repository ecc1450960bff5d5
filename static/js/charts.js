// Charts drawn from the JSON a page carries beside each <canvas data-chart="…">. The numbers are
// also in the table under each chart; the canvas is hidden from screen readers and from print.

// Okabe-Ito: told apart with every common kind of colour blindness.
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

function draw(canvas) {
  const source = document.getElementById(canvas.dataset.chart);
  if (!source || typeof Chart === "undefined") return;
  const spec = JSON.parse(source.textContent);
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
      scales: { x: { stacked: spec.stacked }, y: { stacked: spec.stacked, beginAtZero: true } },
    },
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const canvas of document.querySelectorAll("canvas[data-chart]")) draw(canvas);
});
