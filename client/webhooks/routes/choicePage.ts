import { DateTime } from 'luxon';
import { escapeHtml } from '../pages/html';
import type { ChoiceView } from '../../../db/queries/choiceOffers';

export type PageLanguage = 'ko' | 'en';

const TEXTS = {
  en: {
    title: 'Choose your technician',
    intro: '{centre}: these technicians can come for your {product} repair. Pick one; without a choice by {deadline} we choose the best available for you.',
    visit: 'Visit',
    submit: 'Choose this technician',
    confirmedTitle: 'Thank you',
    confirmed: 'You chose {name} for {time}. We will confirm the visit by message.',
    notFound: 'This link is not valid. Please use the link from our latest message.',
    used: 'A technician has already been chosen with this link.',
    expired: 'The time to choose has passed. We have chosen a technician for you and will tell you when the visit is.',
    closed: 'This request is no longer waiting for a choice.',
    noOffers: 'No technicians are on offer right now. We will contact you.',
    unavailable: 'Something went wrong on our side. Please try again in a moment.',
    notOffered: 'Technician "{id}" was not offered for this request. Please choose one from the list.',
    missing: 'Please choose a technician from the list.',
  },
  ko: {
    title: '기사 선택',
    intro: '{centre}: {product} 수리를 맡을 수 있는 기사입니다. {deadline}까지 선택하지 않으시면 가장 적합한 기사를 배정해 드립니다.',
    visit: '방문 시간',
    submit: '이 기사 선택',
    confirmedTitle: '감사합니다',
    confirmed: '{time}에 방문할 {name} 기사를 선택하셨습니다. 방문 일정은 메시지로 다시 알려 드립니다.',
    notFound: '유효하지 않은 링크입니다. 가장 최근 메시지의 링크를 이용해 주세요.',
    used: '이 링크로 이미 기사를 선택하셨습니다.',
    expired: '선택 기한이 지났습니다. 기사를 배정해 드렸으며 방문 일정을 알려 드리겠습니다.',
    closed: '이 요청은 더 이상 기사 선택을 기다리지 않습니다.',
    noOffers: '지금은 선택할 수 있는 기사가 없습니다. 곧 연락드리겠습니다.',
    unavailable: '일시적인 문제가 발생했습니다. 잠시 후 다시 시도해 주세요.',
    notOffered: '"{id}" 기사는 이 요청에 제안된 기사가 아닙니다. 목록에서 선택해 주세요.',
    missing: '목록에서 기사를 선택해 주세요.',
  },
} as const;

export type TextKey = keyof (typeof TEXTS)['en'];

export function text(language: PageLanguage, key: TextKey, vars: Record<string, string> = {}): string {
  return TEXTS[language][key].replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}

const KO_WEEKDAYS = ['월', '화', '수', '목', '금', '토', '일'];

/**
 * A date and time as the customer reads it, in their zone, on a 24-hour clock. Korean is spelled
 * out here rather than left to the runtime's ICU data, which differs between Node builds.
 */
export function localDateTime(at: Date, timeZone: string, language: PageLanguage): string {
  const d = DateTime.fromJSDate(at, { zone: timeZone });
  if (language === 'ko') return `${d.year}년 ${d.month}월 ${d.day}일 (${KO_WEEKDAYS[d.weekday - 1]}) ${d.toFormat('HH:mm')}`;
  return d.setLocale('en-GB').toFormat('ccc d LLL yyyy, HH:mm');
}

/** A visit: the start's date and time, then the end time. */
export function visitTime(start: Date, end: Date, timeZone: string, language: PageLanguage): string {
  return `${localDateTime(start, timeZone, language)}–${DateTime.fromJSDate(end, { zone: timeZone }).toFormat('HH:mm')}`;
}

export function page(language: PageLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; padding: 1rem; max-width: 36rem; margin-inline: auto; line-height: 1.45; color: #1b1b1b; }
  h1 { font-size: 1.35rem; }
  .offer { display: block; border: 1px solid #ccc; border-radius: .6rem; padding: .8rem; margin: .7rem 0; }
  .offer input { margin-right: .5rem; transform: scale(1.3); }
  .offer strong { font-size: 1.05rem; }
  .time { color: #0a5; font-weight: 600; }
  .error { background: #fde8e8; border-radius: .4rem; padding: .6rem; }
  button { width: 100%; padding: .9rem; font-size: 1.05rem; border: 0; border-radius: .6rem; background: #0b5fff; color: #fff; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>`;
}

export function messagePage(language: PageLanguage, key: TextKey, vars: Record<string, string> = {}, titleKey: TextKey = 'title'): string {
  return page(language, text(language, titleKey), `<p>${escapeHtml(text(language, key, vars))}</p>`);
}

/** The form posts back to its own address (no action attribute), so it works under any public prefix. */
export function choiceForm(view: ChoiceView, deadline: Date, error?: string): string {
  const lang = view.language;
  const intro = text(lang, 'intro', {
    centre: view.centre,
    product: view.product,
    deadline: localDateTime(deadline, view.timeZone, lang),
  });
  const offers = view.offers
    .map(
      (o, i) => `<label class="offer">
  <input type="radio" name="technicianId" value="${escapeHtml(o.technicianId)}"${i === 0 ? ' checked' : ''}>
  <strong>${escapeHtml(o.name)}</strong><br>
  <span class="time">${escapeHtml(text(lang, 'visit'))}: ${escapeHtml(visitTime(o.startsAt, o.endsAt, view.timeZone, lang))}</span>
  <p>${escapeHtml(o.introduction)}</p>
</label>`,
    )
    .join('\n');
  return page(
    lang,
    text(lang, 'title'),
    `${error ? `<p class="error">${escapeHtml(error)}</p>` : ''}
<p>${escapeHtml(intro)}</p>
<form method="post">
${offers}
<button type="submit">${escapeHtml(text(lang, 'submit'))}</button>
</form>`,
  );
}
