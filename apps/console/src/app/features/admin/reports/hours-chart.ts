import type { Chart } from 'chart.js';

/**
 * Draws conversations per hour of the day on `canvas` with chart.js, loaded on first use so that
 * neither the console's first download nor the admin pages carry it. Returns the chart, to destroy.
 */
export async function drawHoursChart(canvas: HTMLCanvasElement, perHour: readonly number[], color: string): Promise<Chart> {
  const { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } = await import('chart.js');
  Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
  return new Chart(canvas, {
    type: 'bar',
    data: {
      labels: perHour.map((_, h) => `${String(h).padStart(2, '0')}h`),
      datasets: [{ label: 'Conversations started', data: [...perHour], backgroundColor: color }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { tooltip: { enabled: true } },
    },
  });
}
