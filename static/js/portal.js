// Behaviour for the site's pages. Loaded from static/ so the Content Security Policy stays strict.

// A table wider than the screen scrolls sideways inside its .table-responsive wrapper. Keyboard
// users can scroll it only if the wrapper can take focus (WCAG 2.1.1), so while it overflows it
// becomes a named, focusable region; once it fits again it leaves the tab order.
function nameOf(wrapper) {
  const caption = wrapper.querySelector("caption");
  const section = wrapper.closest("section[aria-labelledby]");
  const heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
  const main = document.querySelector("main h1");
  const text = (caption || heading || main)?.textContent.trim();
  return text ? `${text}: table, scrolls sideways` : "Table, scrolls sideways";
}

function updateScrollable(wrapper) {
  if (wrapper.scrollWidth > wrapper.clientWidth) {
    wrapper.setAttribute("tabindex", "0");
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", nameOf(wrapper));
  } else {
    for (const attribute of ["tabindex", "role", "aria-label"]) wrapper.removeAttribute(attribute);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll(".js-print")) {
    button.addEventListener("click", () => window.print());
  }

  // An import can take a while: say so, and keep the file from being sent twice.
  for (const form of document.querySelectorAll(".js-import-form")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button[type=submit]")) button.disabled = true;
      document.querySelector(".js-import-progress")?.classList.remove("d-none");
    });
  }

  const wrappers = document.querySelectorAll(".table-responsive");
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) updateScrollable(entry.target);
  });
  for (const wrapper of wrappers) {
    updateScrollable(wrapper);
    observer.observe(wrapper);
  }
});
