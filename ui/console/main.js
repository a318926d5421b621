// The merchandiser console: sign in with an admin key, then rules (with a side
// by side preview), synonym sets, ranking weights and the history with rollback.
// Every string from the server goes into the page as text (shared/dom.js).
import './style.css';

import { ApiError, config, session } from './api.js';
import { el } from '../shared/dom.js';
import { rulesView } from './rules.js';
import { historyView, rankingView, synonymsView } from './settings.js';

const view = document.getElementById('view');
const tabs = document.getElementById('tabs');
const status = document.getElementById('status');
const signOut = document.getElementById('sign-out');

export function say(message, kind = 'info') {
  status.textContent = message;
  status.dataset.kind = kind;
}

export function sayError(error) {
  if (error instanceof ApiError && error.status === 409) {
    say('The config changed since this page loaded it; reload the section and try again.', 'error');
  } else if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    session.key = null;
    showSignIn('Your key was refused; sign in again.');
  } else {
    say(error.message, 'error');
  }
}

const SECTIONS = { rules: rulesView, synonyms: synonymsView, ranking: rankingView, history: historyView };

// `keepStatus`: a refresh after a change keeps the message that reports it.
async function show(section, keepStatus = false) {
  for (const link of tabs.querySelectorAll('a')) {
    link.setAttribute('aria-current', link.dataset.section === section ? 'page' : 'false');
  }
  if (!keepStatus) say('');
  try {
    view.replaceChildren(el('p', { class: 'loading' }, 'Loading…'));
    view.replaceChildren(await SECTIONS[section]({ say, sayError, refresh: () => show(section, true) }));
  } catch (error) {
    view.replaceChildren();
    sayError(error);
  }
}

function route() {
  const section = window.location.hash.replace('#', '') || 'rules';
  show(SECTIONS[section] ? section : 'rules');
}

function showConsole() {
  tabs.hidden = false;
  signOut.hidden = false;
  tabs.replaceChildren(...Object.keys(SECTIONS).map((section) =>
    el('a', { href: `#${section}`, 'data-section': section }, section[0].toUpperCase() + section.slice(1))));
  window.addEventListener('hashchange', route);
  route();
}

function showSignIn(message = '') {
  tabs.hidden = true;
  signOut.hidden = true;
  const key = el('input', { type: 'password', id: 'admin-key', name: 'key', autocomplete: 'current-password', required: true });
  const error = el('p', { class: 'field__error', role: 'alert' }, message);
  const form = el('form', { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
    el('h1', { id: 'sign-in-title' }, 'Sign in'),
    el('p', {}, 'Use a Vitrine admin key. It is kept in this tab only (session storage) and sent as a header.'),
    el('label', { for: 'admin-key' }, 'Admin key'), key,
    el('button', { type: 'submit' }, 'Sign in'), error);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await config('GET', '/v1/config', { key: key.value });
      session.key = key.value;
      say('Signed in.');
      showConsole();
    } catch (failure) {
      error.textContent = failure instanceof ApiError && (failure.status === 401 || failure.status === 403)
        ? 'That key is not an admin key of this server.' : failure.message;
    }
  });
  view.replaceChildren(form);
  key.focus();
}

signOut.addEventListener('click', () => {
  session.key = null;
  say('Signed out.');
  showSignIn();
});

if (session.key) showConsole(); else showSignIn();
