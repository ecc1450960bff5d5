// Behaviour for the site's pages. Loaded from static/ so the Content Security Policy stays strict.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll(".js-print")) {
    button.addEventListener("click", () => window.print());
  }
});
