// An import running in the background (sro_portal/jobs.py): its progress, polled from the page's
// own JSON status, until it ends; then the page reloads to show the outcome. Without this script
// the page's Reload link does the same.
document.addEventListener("DOMContentLoaded", () => {
  const card = document.querySelector(".js-import-job");
  if (!card || card.dataset.finished === "true") return;
  const bar = card.querySelector(".js-job-progress");
  const figures = card.querySelector(".js-job-figures");
  let finished = false;
  const poll = async () => {
    try {
      const response = await fetch(card.dataset.statusUrl, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      const job = await response.json();
      if (job.finished) {
        finished = true;
        window.location.reload();
        return;
      }
      if (bar) bar.value = job.percent;
      if (figures) {
        const total = job.rows_total ? job.rows_total.toLocaleString() : "?";
        figures.textContent = `${job.rows_done.toLocaleString()} of ${total} rows checked (${job.label}).`;
      }
    } catch {
      // The server restarting, or a signed-out session answering with the login page: the next
      // poll tries again, and the Reload link stays.
    } finally {
      if (!finished) window.setTimeout(poll, 2000);
    }
  };
  window.setTimeout(poll, 2000);
});
