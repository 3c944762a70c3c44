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
