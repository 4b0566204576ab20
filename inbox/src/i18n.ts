// Every word the inbox shows, in the languages the product searches: English, Vietnamese,
// Chinese and Arabic (right to left: the whole layout mirrors). Dates and times are the
// browser's Intl, in the chosen language. Languages other than English load on demand.
import { signal } from "@preact/signals";
import { en, type Dictionary } from "./locales/en";

export const LANGUAGES = [
  { tag: "en", name: "English" },
  { tag: "vi", name: "Tiếng Việt" },
  { tag: "zh", name: "中文" },
  { tag: "ar", name: "العربية" },
] as const;

const loaders: Record<string, () => Promise<Dictionary>> = {
  vi: () => import("./locales/vi").then((m) => m.vi),
  zh: () => import("./locales/zh").then((m) => m.zh),
  ar: () => import("./locales/ar").then((m) => m.ar),
};

export const locale = signal("en");
const dictionary = signal<Dictionary>(en);

/** The supported language closest to a BCP 47 tag (`vi-VN` → `vi`), else English. */
function supported(tag: string | undefined): string {
  const base = (tag ?? "").toLowerCase().split("-")[0] ?? "";
  return LANGUAGES.some((l) => l.tag === base) ? base : "en";
}

/** Shows the inbox in `tag` (or the browser's language): words, direction, dates. */
export async function applyLocale(tag?: string): Promise<void> {
  const chosen = supported(tag ?? navigator.language);
  const words = chosen === "en" ? en : await loaders[chosen]!();
  dictionary.value = words;
  locale.value = chosen;
  localStorage.setItem("convo.locale", chosen);
  document.documentElement.lang = chosen;
  document.documentElement.dir = chosen === "ar" ? "rtl" : "ltr";
}

/** The words of `key` in the current language, `{name}` replaced by `vars.name`. */
export function t(key: string, vars: Record<string, string | number> = {}): string {
  const words = (dictionary.value as Record<string, string>)[key] ?? (en as Record<string, string>)[key] ?? key;
  return words.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ""));
}

// Formatters are costly to make and used for every line of a long history: one per
// language and style.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(style: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale.value}/${style}`;
  let made = formatters.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(locale.value, options);
    formatters.set(key, made);
  }
  return made;
}

/** A time as people read it: the time today, the day and time this week, else the date. */
export function formatTime(iso: string): string {
  const at = new Date(iso);
  const now = new Date();
  if (at.toDateString() === now.toDateString()) return formatter("time", { hour: "numeric", minute: "2-digit" }).format(at);
  if (now.getTime() - at.getTime() < 6 * 86_400_000) {
    return formatter("weekday", { weekday: "short", hour: "numeric", minute: "2-digit" }).format(at);
  }
  return formatter("date", { year: "numeric", month: "short", day: "numeric" }).format(at);
}

/** The day a message belongs to, for the history's day separators. */
export function formatDay(iso: string): string {
  return formatter("day", { dateStyle: "full" }).format(new Date(iso));
}
