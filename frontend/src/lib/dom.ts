/** Small DOM helpers that only ever set text (never HTML), so user data cannot create elements. */

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} missing`);
  return element as T;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The CSRF token Thymeleaf put into a form as the hidden `_csrf` input, if any. */
export function csrfToken(form: HTMLFormElement): string | null {
  const input = form.querySelector<HTMLInputElement>('input[name="_csrf"]');
  return input ? input.value : null;
}

export interface Issue {
  file: string;
  line: number;
  field: string;
  code: string;
  message: string;
}

/** Fills a report table body with one row per issue (text only). */
export function renderReport(body: HTMLTableSectionElement, issues: Issue[]): void {
  body.replaceChildren();
  for (const issue of issues) {
    const row = el('tr');
    for (const value of [issue.file, String(issue.line), issue.field, issue.code, issue.message]) {
      row.append(el('td', undefined, value));
    }
    body.append(row);
  }
}
