import { describe, expect, it } from 'vitest';
import { classifyReply, visibleEmailText } from '../../../domain/classification';

describe('visibleEmailText', () => {
  it('drops an English quoted original and a "--" signature', () => {
    const raw = [
      'All working now, thank you.',
      '',
      '--',
      'Jane',
      '',
      'On Tue, Nov 3, 2026 at 2:10 PM Service Centre <survey@svc.example.com> wrote:',
      '> Did the fault come back? Was the technician rude?',
    ].join('\n');
    expect(visibleEmailText(raw)).toBe('All working now, thank you.');
  });

  it('handles a quote header wrapped over two lines and "Sent from my iPhone"', () => {
    const raw = 'Fine thanks\n\nSent from my iPhone\n\nOn Tue, Nov 3, 2026 at 2:10 PM Service Centre <\nsurvey@svc.example.com> wrote:\n\n> Rate us 1-5';
    expect(visibleEmailText(raw)).toBe('Fine thanks');
  });

  it('cuts at "-----Original Message-----" with Outlook headers', () => {
    const raw = 'ok\r\n\r\n-----Original Message-----\r\nFrom: Service Centre <survey@svc.example.com>\r\nSent: Tuesday\r\n\r\nIs anything still not working?';
    expect(visibleEmailText(raw)).toBe('ok');
  });

  it('cuts at a Korean Gmail header, both date styles', () => {
    const long = '기사님이 친절하셨어요.\n\n2026년 11월 3일 (화) 오후 2:10, 서비스센터 <survey@svc.example.com>님이 작성:\n> 고장이 재발했나요?';
    const short = '좋아요\n\n2026. 11. 3. 오후 2:10, 서비스센터 <survey@svc.example.com>님이 작성:\n> 불친절한 점은 없었나요?';
    expect(visibleEmailText(long)).toBe('기사님이 친절하셨어요.');
    expect(visibleEmailText(short)).toBe('좋아요');
  });

  it('cuts at "-----원본 메시지-----" and Korean mobile signatures', () => {
    const raw = '이상 없이 잘 쓰고 있습니다.\n\niPhone에서 보냄\n\n-----원본 메시지-----\n보낸 사람: 서비스센터 <survey@svc.example.com>\n\n수리 후 다시 고장나지 않았나요?';
    expect(visibleEmailText(raw)).toBe('이상 없이 잘 쓰고 있습니다.');
    expect(visibleEmailText('불편했습니다.\n\nSamsung Galaxy 스마트폰에서 보냈습니다.')).toBe('불편했습니다.');
  });

  it('keeps the answers written between the quoted questions when the reply header is the first line', () => {
    const raw = '2026년 11월 16일 (월) 오전 9:42, 서비스센터 <survey@svc.example.com>님이 작성:\n> - 기사님의 친절도\n4\n> - 약속 시간 준수\n5\n> 건의 사항이 있으신가요?';
    expect(visibleEmailText(raw)).toBe('4\n5');
  });

  it('leaves a plain message alone', () => {
    expect(visibleEmailText('  The dryer is squeaking again.\nPlease call me.  ')).toBe('The dryer is squeaking again.\nPlease call me.');
  });
});

describe('classifyReply on email', () => {
  it('classifies only the customer text, not the quoted survey', () => {
    const raw = '네 지금은 잘 돌아갑니다.\n\n2026년 11월 3일 (화) 오후 2:10, 서비스센터 <survey@svc.example.com>님이 작성:\n> 고장이 재발했나요? 불편한 점이 있으셨나요?';
    const result = classifyReply({ channel: 'email', text: raw });
    expect(result.category).toBe('satisfied');
    expect(result.cleanedText).toBe('네 지금은 잘 돌아갑니다.');
  });

  it('does not strip SMS text that merely looks like a quote', () => {
    expect(classifyReply({ channel: 'sms', text: '> still leaking' }).category).toBe('repeat_failure');
  });
});
