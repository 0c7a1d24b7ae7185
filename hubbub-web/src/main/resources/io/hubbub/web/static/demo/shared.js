// What the demos share (an ES module of this origin, as the pages' CSP requires): the #error line, the
// sign-in form (#signin-form with #username, #password, and #signup) and a list of buttons. User text
// reaches the page only as text, never as HTML.
import { HubbubError, signIn } from "/sdk/hubbub.js";

export const $ = (id) => document.getElementById(id);

/** Shows `e` in #error with its code in `data-code` (a HubbubError's message and code), or hides it (null). */
export function showError(e) {
  const el = $("error");
  if (!e) { el.hidden = true; el.textContent = ""; return; }
  el.textContent = e instanceof HubbubError ? `${e.message} (${e.code})` : String(e.message ?? e);
  el.dataset.code = e.code ?? "";
  el.hidden = false;
}

/**
 * Wires the sign-in form: submitting signs in, #signup signs up (once the form's own checks pass); then
 * `signedIn(session)` runs with the session `signIn` resolved (`{user, token, expiresAt}`). A refusal,
 * or an error of `signedIn`, is shown in #error.
 */
export function onSignIn(signedIn) {
  const account = async (signUp) => {
    showError(null);
    try {
      await signedIn(await signIn($("username").value.trim(), $("password").value, { signUp }));
    } catch (e) {
      showError(e);
    }
  };
  $("signin-form").addEventListener("submit", (ev) => { ev.preventDefault(); account(false); });
  $("signup").addEventListener("click", () => { if ($("signin-form").reportValidity()) account(true); });
}

/** Fills `box` with a button per item (its text `label(item)`, a click calls `pick(item)`), or the text `empty`. */
export function buttons(box, items, label, pick, empty) {
  box.replaceChildren(...items.map((item) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label(item);
    b.addEventListener("click", () => pick(item));
    return b;
  }));
  if (!items.length) box.textContent = empty;
}
