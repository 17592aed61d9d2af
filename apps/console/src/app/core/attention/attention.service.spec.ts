import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { consoleTestProviders } from '../../../testing/providers';
import { StorageKeys } from '../storage/browser-storage';
import { AttentionService } from './attention.service';
import { PreferencesStore } from './preferences.store';

class FakeNotification {
  static permission: NotificationPermission = 'granted';
  static shown: { title: string; body?: string; tag?: string }[] = [];
  static requestPermission = jest.fn((): Promise<NotificationPermission> => {
    FakeNotification.permission = 'granted';
    return Promise.resolve('granted');
  });
  onclick: (() => void) | null = null;
  constructor(title: string, options: NotificationOptions = {}) {
    FakeNotification.shown.push({ title, body: options.body, tag: options.tag });
  }
  close(): void {
    // nothing to close
  }
}

/** Web Audio as a browser with an autoplay policy has it: suspended until `allowed`, then resume() runs it. */
class FakeAudioContext {
  static allowed = false;
  static created: FakeAudioContext[] = [];
  state: AudioContextState = FakeAudioContext.allowed ? 'running' : 'suspended';
  onstatechange: (() => void) | null = null;
  currentTime = 0;
  destination = {};
  notes = 0;
  constructor() {
    FakeAudioContext.created.push(this);
  }
  resume(): Promise<void> {
    if (FakeAudioContext.allowed && this.state !== 'running') {
      this.state = 'running';
      this.onstatechange?.();
    }
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
  createOscillator() {
    this.notes++;
    const node = { type: '', frequency: { value: 0 }, connect: (n: unknown) => n, start: () => undefined, stop: () => undefined };
    return node;
  }
  createGain() {
    const gain = { gain: { setValueAtTime: () => undefined, exponentialRampToValueAtTime: () => undefined }, connect: (n: unknown) => n };
    return gain;
  }
}

describe('AttentionService and PreferencesStore', () => {
  let hidden = false;

  beforeEach(() => {
    FakeNotification.shown = [];
    FakeNotification.permission = 'default';
    (globalThis as unknown as { Notification: unknown }).Notification = FakeNotification;
    hidden = false;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  });

  afterEach(() => {
    delete (globalThis as { Notification?: unknown }).Notification;
    delete (globalThis as { AudioContext?: unknown }).AudioContext;
  });

  function setup() {
    const { providers, bed } = consoleTestProviders();
    TestBed.configureTestingModule({ providers });
    return { bed, attention: TestBed.inject(AttentionService), prefs: TestBed.inject(PreferencesStore), title: TestBed.inject(Title) };
  }

  const alert = { title: 'Vera is waiting', body: '<b>hi</b>', url: '/queue/1', tag: '1' };

  it('puts the unread total in the tab title, unless turned off', () => {
    const { attention, prefs, title } = setup();
    attention.setUnreadTotal(3);
    TestBed.tick();
    expect(title.getTitle()).toBe('(3) Parley Console');
    prefs.set('titleCount', false);
    TestBed.tick();
    expect(title.getTitle()).toBe('Parley Console');
  });

  it('asks for permission when desktop notifications are turned on, and remembers the choice', async () => {
    const { prefs, bed } = setup();
    await prefs.setDesktop(true);
    expect(FakeNotification.requestPermission).toHaveBeenCalled();
    expect(prefs.preferences().desktop).toBe(true);
    TestBed.tick();
    expect(JSON.parse(bed.local.getItem(StorageKeys.preferences) ?? '{}')).toMatchObject({ desktop: true });
  });

  it('stays off when the browser refuses', async () => {
    FakeNotification.requestPermission.mockImplementationOnce(() => Promise.resolve('denied'));
    const { prefs } = setup();
    await prefs.setDesktop(true);
    expect(prefs.preferences().desktop).toBe(false);
    expect(prefs.notificationPermission()).toBe('denied');
  });

  it('shows a desktop notification only while the tab is hidden', async () => {
    const { attention, prefs } = setup();
    await prefs.setDesktop(true);
    attention.alert(alert);
    expect(FakeNotification.shown).toEqual([]);
    hidden = true;
    document.dispatchEvent(new Event('visibilitychange'));
    attention.alert(alert);
    expect(FakeNotification.shown).toEqual([{ title: 'Vera is waiting', body: '<b>hi</b>', tag: '1' }]);
  });

  it('shows none when turned off', () => {
    FakeNotification.permission = 'granted';
    const { attention } = setup();
    hidden = true;
    document.dispatchEvent(new Event('visibilitychange'));
    attention.alert(alert);
    expect(FakeNotification.shown).toEqual([]);
  });

  describe('the chime', () => {
    beforeEach(() => {
      FakeAudioContext.allowed = false;
      FakeAudioContext.created = [];
      (globalThis as unknown as { AudioContext: unknown }).AudioContext = FakeAudioContext;
    });

    it('says when the browser holds the sound back, and one click enables it', async () => {
      const { attention } = setup();
      expect(attention.soundBlocked()).toBe(false);
      attention.alert(alert);
      expect(attention.soundBlocked()).toBe(true);
      // The click is what lets the browser start the audio.
      FakeAudioContext.allowed = true;
      attention.enableSound();
      await Promise.resolve();
      await Promise.resolve();
      expect(attention.soundBlocked()).toBe(false);
      expect(attention.soundState()).toBe('running');
      attention.alert(alert);
      expect(attention.soundBlocked()).toBe(false);
      expect(FakeAudioContext.created).toHaveLength(1);
    });

    it('says nothing when sound is allowed, or turned off', () => {
      const { attention, prefs } = setup();
      prefs.set('sound', false);
      attention.alert(alert);
      expect(FakeAudioContext.created).toHaveLength(0);
      expect(attention.soundBlocked()).toBe(false);
      FakeAudioContext.allowed = true;
      prefs.set('sound', true);
      attention.alert(alert);
      expect(attention.soundState()).toBe('running');
      expect(attention.soundBlocked()).toBe(false);
    });
  });
});
