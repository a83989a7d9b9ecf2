/**
 * The demo's customers and the branch each one walks, so a newcomer sees every path of the flow
 * in the Web UI: answered call, email reply, SMS reply, web form, no reply, repeat failure,
 * complaint, cancellation.
 */
export type Branch =
  | 'phone_answered'
  | 'email_reply'
  | 'sms_reply'
  | 'web_form'
  | 'no_reply'
  | 'repeat_failure'
  | 'complaint'
  | 'cancelled';

export interface Persona {
  customerId: string;
  name: string;
  email?: string;
  mobile?: string;
  language: 'ko' | 'en';
  areaCode: string;
  field: string;
  fault: string;
  preferredChannel?: 'email' | 'sms';
  /** Opt-ins given at registration: with marketing, the survey carries the running promotion as an advertisement. */
  optIns?: ('marketing' | 'marketing_night' | 'whatsapp')[];
  sensitivityClass: string;
  branch: Branch;
}

export const PERSONAS: Persona[] = [
  { customerId: 'demo-cus-01', name: '김하늘', mobile: '+821055500101', email: 'haneul@mail.example', language: 'ko', areaCode: '06236', field: 'refrigerator', fault: '냉장실 온도가 올라가요', sensitivityClass: 'standard', branch: 'phone_answered' },
  { customerId: 'demo-cus-02', name: 'Jane Doe', mobile: '+821055500102', email: 'jane@mail.example', language: 'en', areaCode: '06164', field: 'washing_machine', fault: 'Drum does not spin', preferredChannel: 'email', optIns: ['marketing'], sensitivityClass: 'busy', branch: 'email_reply' },
  { customerId: 'demo-cus-03', name: '박서준', mobile: '+821055500103', language: 'ko', areaCode: '48094', field: 'air_conditioner', fault: '찬바람이 약해요', optIns: ['marketing', 'marketing_night'], sensitivityClass: 'sensitive', branch: 'sms_reply' },
  { customerId: 'demo-cus-04', name: '이수민', mobile: '+821055500104', language: 'ko', areaCode: '06236', field: 'refrigerator', fault: '얼음이 안 얼어요', preferredChannel: 'sms', sensitivityClass: 'elderly', branch: 'web_form' },
  { customerId: 'demo-cus-05', name: 'Tom Baker', email: 'tom@mail.example', language: 'en', areaCode: '48060', field: 'washing_machine', fault: 'Leaks water during rinse', sensitivityClass: 'standard', branch: 'no_reply' },
  { customerId: 'demo-cus-06', name: '최민호', mobile: '+821055500106', language: 'ko', areaCode: '06164', field: 'air_conditioner', fault: '실외기 소음이 커요', sensitivityClass: 'standard', branch: 'repeat_failure' },
  { customerId: 'demo-cus-07', name: 'Grace Lee', mobile: '+821055500107', email: 'grace@mail.example', language: 'en', areaCode: '06236', field: 'refrigerator', fault: 'Freezer frosts up', preferredChannel: 'email', sensitivityClass: 'sensitive', branch: 'complaint' },
  { customerId: 'demo-cus-08', name: '정유진', mobile: '+821055500108', language: 'ko', areaCode: '48094', field: 'refrigerator', fault: '문이 잘 안 닫혀요', sensitivityClass: 'busy', branch: 'cancelled' },
];

/** What each persona writes back, in their own words. */
export const REPLIES: Record<Branch, { text?: string; rating?: number }> = {
  phone_answered: { rating: 4 },
  email_reply: { text: 'Everything works again, the technician was quick and polite. 5 stars!' },
  sms_reply: { text: '4 기사님이 친절하셨어요' },
  web_form: { rating: 5, text: '정말 꼼꼼하게 설명해 주셔서 감사합니다!' },
  no_reply: {},
  repeat_failure: { text: '2 수리 받은 지 이틀 만에 또 소음이 나요. 다시 와 주세요' },
  complaint: { text: 'The technician arrived two hours late and left a mess in the kitchen.' },
  cancelled: {},
};
