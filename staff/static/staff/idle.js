// The idle timeout's warning (WCAG 2.2.1): a minute before a session that has
// seen patient data ends, a dialog offers to stay signed in.
(() => {
  const script = document.currentScript;
  const timeout = Number(script.dataset.timeout) * 1000;
  const warn = Number(script.dataset.warn) * 1000;
  const keepAlive = script.dataset.keepAlive;
  if (!timeout || document.body.classList.contains("login")) return;
  let timer;
  const dialog = document.createElement("dialog");
  dialog.setAttribute("aria-labelledby", "staff-idle-title");
  dialog.innerHTML =
    '<h2 id="staff-idle-title">You will be signed out in a minute</h2>' +
    "<p>For patients' privacy, the admin signs out after a while without activity.</p>" +
    '<button type="button" class="button">Stay signed in</button>';
  document.body.append(dialog);
  const csrf = () => (window.wagtailConfig && window.wagtailConfig.CSRF_TOKEN) || "";
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => dialog.showModal(), Math.max(timeout - warn, 0));
  };
  dialog.querySelector("button").addEventListener("click", async () => {
    const response = await fetch(keepAlive, {
      method: "POST",
      headers: { "X-CSRFToken": csrf(), "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
    dialog.close();
    if (response.ok) arm();
    else window.location.reload();
  });
  arm();
})();
