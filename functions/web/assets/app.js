// VictorySync pages: small progressive enhancements only; every page works without this file.
"use strict";

// Busy indicator: a submitted form's button says so and cannot be pressed twice.
document.addEventListener("submit", (event) => {
  const button = event.target.querySelector("button[type=submit]");
  if (button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  }
});

// Sortable report tables: a header's button sorts the rows by that column (numbers by their
// data-sort value, a missing one first), again to reverse; aria-sort tells assistive technology.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button.sort");
  if (!button) {
    return;
  }
  const header = button.closest("th");
  const table = button.closest("table");
  const column = Number(button.dataset.col);
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  for (const other of table.querySelectorAll("thead th")) {
    other.removeAttribute("aria-sort");
  }
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const value = (row) => {
    const cell = row.children[column];
    const raw = cell.dataset.sort;
    if (raw === undefined || raw === "") {
      return cell.classList.contains("num") ? -Infinity : cell.textContent;
    }
    const number = Number(raw);
    return Number.isNaN(number) ? raw : number;
  };
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const [x, y] = [value(a), value(b)];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? order : -order;
  });
  body.append(...rows);
});

// Self-refreshing pages (the dashboard): reload every data-refresh seconds while the tab is shown,
// and at once when it is shown again after that long.
const refresh = document.querySelector("[data-refresh]");
if (refresh) {
  const every = Number(refresh.dataset.refresh) * 1000;
  let loaded = Date.now();
  const due = () => Date.now() - loaded >= every;
  setInterval(() => {
    if (document.visibilityState === "visible" && due()) {
      loaded = Date.now();
      window.location.reload();
    }
  }, 5000);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && due()) {
      window.location.reload();
    }
  });
}

// Copy buttons beside a link shown once (a webhook URL, an invite link): shown only where this
// script runs; without it, the read-only field is there to select and copy by hand.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.hidden = false;
}
document.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) {
    return;
  }
  const field = document.getElementById(button.dataset.copy);
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = "Copied";
  } catch {
    field.select();
    button.textContent = "Press Ctrl+C to copy";
  }
});

// Live parts (live status, sync jobs): every data-every seconds while the tab is shown, fetch
// data-poll (the part alone, as HTML from the same site) and swap it in without reloading. An
// ended session answers with the sign-in page: then the whole page reloads (and signs in).
for (const part of document.querySelectorAll("[data-poll]")) {
  let busy = false;
  let last = "";
  const poll = async () => {
    if (busy || document.visibilityState !== "visible") {
      return;
    }
    busy = true;
    try {
      const response = await fetch(part.dataset.poll, { credentials: "same-origin" });
      if (response.redirected) {
        window.location.reload();
      } else if (response.ok) {
        const html = await response.text();
        if (html !== last) {
          last = html;
          part.innerHTML = html;
        }
      }
    } catch {
      // Offline for a moment: the next round tries again.
    } finally {
      busy = false;
    }
  };
  setInterval(poll, Number(part.dataset.every) * 1000);
}
