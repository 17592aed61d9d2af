import type { Browser, BrowserContext } from 'playwright-core';
import { Agent } from './agent';
import { launch, visitorContext } from './browser';
import { stack } from './state';

export interface WidgetSuite {
  /** A fresh visitor's browser context (empty storage), new for each test. */
  readonly context: BrowserContext;
  /** The admin as an agent, connected for the whole file; it hears every event. */
  readonly agent: Agent;
}

/**
 * The hooks every widget spec shares: one browser and one connected agent for the file, a fresh
 * visitor context for each test (a phone's with `phone`), all closed afterwards. Call it at the top of the spec's `describe`
 * and read `context` and `agent` inside the tests.
 */
export function widgetSuite({ phone = false }: { phone?: boolean } = {}): WidgetSuite {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let agent: Agent | undefined;

  beforeAll(async () => {
    browser = await launch();
    agent = await Agent.connect(stack().api, stack().admin.token);
  });
  afterAll(async () => {
    agent?.close();
    await browser?.close();
  });
  beforeEach(async () => {
    if (!browser) throw new Error('no browser: the suite did not start');
    context = await visitorContext(browser, { phone });
  });
  afterEach(async () => {
    await context?.close();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is only there inside a test of a widgetSuite()`);
    return value;
  };
  return {
    get context() {
      return ready(context, 'context');
    },
    get agent() {
      return ready(agent, 'agent');
    },
  };
}
