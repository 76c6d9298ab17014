// contractflow: a little progressive enhancement. Every page works without it.

// New contract: a button that adds one more empty line to the lines table.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-add-line]");
  const body = document.querySelector("#lines tbody");
  if (!button || !body) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const rows = body.querySelectorAll("tr.line");
    const copy = rows[rows.length - 1].cloneNode(true);
    const next = rows.length;
    copy.querySelectorAll("input").forEach((input) => {
      input.name = input.name.replace(/^lines\.\d+\./, `lines.${next}.`);
      input.value = "";
    });
    copy.querySelectorAll(".problem").forEach((problem) => problem.remove());
    body.appendChild(copy);
  });
});

// Terminating or rejecting asks once more: it cannot be undone by the same hand.
document.addEventListener("submit", (event) => {
  const action = event.target.getAttribute("action") || "";
  if (/\/terminate$/.test(action) && !window.confirm(document.title)) event.preventDefault();
});
