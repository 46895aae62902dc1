import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorText, pickLanguage, setLanguage, t, tn } from '../../../src-renderer/i18n.js';
import { formatDuration } from '../../../src-renderer/time-format.js';

describe('words on screen', () => {
  it('follows the system language: Simplified Chinese for zh, English otherwise', () => {
    assert.equal(pickLanguage(['zh-CN', 'en']), 'zh-CN');
    assert.equal(pickLanguage(['zh']), 'zh-CN');
    assert.equal(pickLanguage(['en-GB', 'zh-CN']), 'en');
    assert.equal(pickLanguage(['de-DE']), 'en');
  });

  it('says what went wrong in words, with the address, in both languages', () => {
    setLanguage('en');
    assert.equal(errorText('bad-credentials', 'x'), 'The user name or password is wrong.');
    assert.match(errorText('refused', 'connect ECONNREFUSED', { address: 'music.local:2333' }), /Nothing is answering at music\.local:2333/);
    assert.match(errorText('weird-code', 'the detail'), /the detail/);
    setLanguage('zh-CN');
    assert.equal(errorText('bad-credentials', 'x'), '用户名或密码错误。');
    assert.equal(tn('tracks', 3), '3 首曲目');
    setLanguage('en');
  });

  it('counts in the plural form the language uses: 1 dropout, 2 dropouts; Chinese has one form', () => {
    setLanguage('en');
    assert.equal(tn('underruns', 1), '1 dropout');
    assert.equal(tn('underruns', 2), '2 dropouts');
    assert.equal(tn('underruns', 0), '0 dropouts');
    assert.equal(tn('tracks', 1), '1 track');
    assert.equal(tn('tracks', 292), '292 tracks');
    setLanguage('zh-CN');
    assert.equal(tn('underruns', 1), '1 次断音');
    assert.equal(tn('underruns', 2), '2 次断音');
    setLanguage('en');
  });

  it('has every message in both languages, and says an empty library and an empty search differently', () => {
    setLanguage('en');
    assert.notEqual(t('emptyLibrary'), t('noTracks', { query: 'x' }));
    assert.match(t('noTracks', { query: 'zebra' }), /zebra/);
    setLanguage('zh-CN');
    assert.match(t('noTracks', { query: 'zebra' }), /zebra/);
    assert.notEqual(t('emptyLibrary'), t('noTracks', { query: 'zebra' }));
    setLanguage('en');
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    assert.equal(formatDuration(0), '0:00');
    assert.equal(formatDuration(8000), '0:08');
    assert.equal(formatDuration(3_725_000), '1:02:05');
    assert.equal(formatDuration(null), '–:––');
  });
});
