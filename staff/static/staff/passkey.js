// Once django-otp-webauthn's script has registered a passkey, go to the page
// that shows the recovery codes (first enrolment) or back where the person was.
(() => {
  const script = document.currentScript;
  document.addEventListener("otp_webauthn.register_complete", () => {
    const next = document.querySelector("input[name='next']");
    const url = new URL(script.dataset.added, window.location.origin);
    if (next && next.value) url.searchParams.set("next", next.value);
    window.location.assign(url);
  });
})();
