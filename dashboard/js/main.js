// The dashboard: sign in, then the pages the caller's role allows, titled and styled by the
// settings hook. Pages are routed by the URL's fragment (#/users, #/user/<id>, …), so the static
// host needs no rewrites.
import { api, ApiError, useApi } from "./api.js";
import { finishSignIn, forget, signIn, signOut, token } from "./auth.js";
import { fill, h, notice } from "./dom.js";
import { renderConfig } from "./pages/config.js";
import { renderCreate } from "./pages/create.js";
import { renderLogs } from "./pages/logs.js";
import { renderUser } from "./pages/user.js";
import { renderUsers } from "./pages/users.js";

const main = document.getElementById("main");
const session = { config: null, me: null, settings: {}, title: "User Management", flash: null };

const ROUTES = [
  { pattern: /^#\/users(?:\?(.*))?$/, render: (match) => renderUsers(context(), new URLSearchParams(match[1] || "")) },
  { pattern: /^#\/user\/([^?]+)$/, render: (match) => renderUser(context(), decodeURIComponent(match[1])) },
  { pattern: /^#\/create$/, render: () => renderCreate(context()), permission: "manage:users" },
  { pattern: /^#\/logs$/, render: () => renderLogs(context()), permission: "read:logs" },
  { pattern: /^#\/config$/, render: () => renderConfig(context()), permission: "manage:config" },
];

function can(permission) {
  return Boolean(session.me?.permissions?.includes(permission));
}

/** What every page gets: the session, and the means to title itself and report errors. */
function context() {
  return { main, me: session.me, settings: session.settings, can, page, failed, go, flash };
}

/** News for the next page drawn (an action done, then its page drawn again). */
function flash(text) {
  session.flash = text;
}

function go(hash) {
  if (window.location.hash === hash) route();
  else window.location.hash = hash;
}

/** Start a page: its heading (focused, so a screen reader announces it) and the window title. */
function page(heading, ...content) {
  document.title = `${heading} – ${session.title}`;
  const title = h("h1", { tabindex: "-1" }, heading);
  const news = session.flash ? notice(session.flash, "info") : null;
  session.flash = null;
  fill(main, title, news, ...content);
  title.focus();
  return title;
}

/** Show what went wrong where it happened; a lost session goes back to the sign-in. */
function failed(error, where = main) {
  if (error instanceof ApiError && error.status === 401) {
    forget();
    showSignIn("Your session has ended: sign in again.");
    return;
  }
  where.append(notice(error.message));
}

async function route() {
  if (!token()) return;
  const hash = window.location.hash || "#/users";
  for (const candidate of ROUTES) {
    const match = hash.match(candidate.pattern);
    if (!match) continue;
    if (candidate.permission && !can(candidate.permission)) break;
    markCurrent(hash);
    try {
      await candidate.render(match);
    } catch (error) {
      failed(error);
    }
    return;
  }
  page("Not found", notice("There is no such page for you here."), h("p", {}, h("a", { href: "#/users" }, "Users")));
}

function markCurrent(hash) {
  for (const link of document.querySelectorAll("#menu a")) {
    if (hash.startsWith(link.getAttribute("href"))) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function applySettings(settings) {
  const dict = settings.dict || {};
  session.title = dict.title || "User Management";
  document.getElementById("title").textContent = session.title;
  // The original loaded the settings' css as a stylesheet; the pages' policy allows their own origin.
  if (typeof settings.css === "string" && settings.css) {
    document.head.append(h("link", { rel: "stylesheet", href: settings.css, id: "settings-css" }));
  }
}

function showMenu() {
  const entries = [
    ["#/users", "Users", true],
    ["#/create", "Create user", can("manage:users") && session.settings.canCreateUser !== false],
    ["#/logs", "Logs", can("read:logs")],
    ["#/config", "Configuration", can("manage:config")],
  ];
  fill(
    document.getElementById("menu"),
    h("ul", {}, entries.filter(([, , shown]) => shown).map(([href, text]) => h("li", {}, h("a", { href }, text)))),
  );
  const dict = session.settings.dict || {};
  const name = dict.menuName || session.me.user.name || session.me.user.username;
  fill(
    document.getElementById("account"),
    h("span", { class: "who" }, name, h("span", { class: "role" }, ` (${session.me.role})`)),
    h("button", { type: "button", class: "link", onclick: () => signOut(session.config) }, "Sign out"),
  );
}

function showSignIn(message) {
  fill(document.getElementById("menu"));
  fill(document.getElementById("account"));
  document.title = `Sign in – ${session.title}`;
  const button = h("button", { type: "button", class: "primary", onclick: () => signIn(session.config, window.location.hash) }, "Sign in");
  fill(
    main,
    h("h1", { tabindex: "-1" }, "Sign in"),
    message ? notice(message) : null,
    h("p", {}, "Sign in to manage the users of your department."),
    button,
  );
  button.focus();
}

async function start() {
  session.config = await (await fetch("config.json")).json();
  useApi(session.config.apiUrl);
  let next = null;
  try {
    next = await finishSignIn(session.config);
  } catch (error) {
    showSignIn(error.message);
    return;
  }
  if (!token()) {
    showSignIn();
    return;
  }
  try {
    const [me, settings] = await Promise.all([api("GET", "/api/me"), api("GET", "/api/settings")]);
    session.me = me;
    session.settings = settings.settings || {};
  } catch (error) {
    showSignIn(error.message);
    return;
  }
  applySettings(session.settings);
  showMenu();
  window.addEventListener("hashchange", route);
  if (next && next !== window.location.hash) window.location.hash = next;
  else route();
}

// The fragment names pages here, so the skip link moves the focus itself instead of going to "#main".
document.querySelector("a.skip").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});

start().catch((error) => fill(main, h("h1", {}, "The dashboard could not start"), notice(error.message)));
