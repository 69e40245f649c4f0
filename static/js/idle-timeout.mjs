// Warns a signed-in person before their idle time-out (templates/includes/
// idle_notice.html) and lets them stay signed in. The server ends the session anyway
// (accounts/middleware.py); this only makes it visible. Times are checked against the
// clock each second, so a laptop waking from sleep still counts the time it slept.
const notice = document.getElementById("idle-notice");

function remainingWords(seconds) {
  const minutes = Math.ceil(seconds / 60);
  if (seconds < 60) return "in less than a minute";
  return minutes === 1 ? "in 1 minute" : `in ${minutes} minutes`;
}

function start(notice) {
  const timeout = Number(notice.dataset.idleTimeout) * 1000;
  const warning = Number(notice.dataset.idleWarning) * 1000;
  const remaining = notice.querySelector("[data-idle-remaining]");
  const form = notice.querySelector("[data-idle-keep-alive]");
  // The server's count started at its last push, which may be before this page.
  let expiresAt = Date.now() + Number(notice.dataset.idleLeft) * 1000;
  let lastWords = "";

  function tick() {
    const left = expiresAt - Date.now();
    if (left <= 0) {
      window.location.assign(notice.dataset.signedOutUrl);
      return;
    }
    if (left > warning) return;
    // Changed words only, so a screen reader is not interrupted every second.
    const words = remainingWords(left / 1000);
    if (words !== lastWords) remaining.textContent = lastWords = words;
    if (notice.hidden) {
      notice.hidden = false;
      form.querySelector("button").focus();
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
    });
    if (!response.ok) {
      window.location.assign(notice.dataset.signedOutUrl);
      return;
    }
    expiresAt = Date.now() + timeout;
    lastWords = "";
    notice.hidden = true;
  });
  window.setInterval(tick, 1000);
}

if (notice) start(notice);
