import type { EnvironmentProviders, Provider } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, type Routes } from '@angular/router';
import type { Agent } from '@parley/contracts';
import { FETCH } from '../app/core/api/api-client';
import { RealtimeService } from '../app/core/realtime/realtime.service';
import { SessionStore } from '../app/core/session/session.store';
import { LOCAL_STORAGE, SESSION_STORAGE, StorageKeys } from '../app/core/storage/browser-storage';
import { FakeBackend } from './fake-backend';
import { FakeRealtime } from './fake-realtime';
import { fakeJwt, ME } from './fixtures';
import { MemoryStorage } from './memory-storage';

export interface ConsoleTestBed {
  backend: FakeBackend;
  realtime: FakeRealtime;
  session: MemoryStorage;
  local: MemoryStorage;
}

/** The console's outside world, faked: a server behind FETCH, a socket, and empty storages. */
export function consoleTestProviders(routes: Routes = []): { providers: (Provider | EnvironmentProviders)[]; bed: ConsoleTestBed } {
  const bed: ConsoleTestBed = {
    backend: new FakeBackend(),
    realtime: new FakeRealtime(),
    session: new MemoryStorage(),
    local: new MemoryStorage(),
  };
  return {
    bed,
    providers: [
      provideRouter(routes),
      { provide: FETCH, useValue: bed.backend.fetch },
      { provide: SESSION_STORAGE, useValue: bed.session },
      { provide: LOCAL_STORAGE, useValue: bed.local },
      { provide: RealtimeService, useValue: bed.realtime },
    ],
  };
}

/** Signs `agent` in the way a reload does: a token in storage, then GET /agents/me. */
export async function signIn(bed: ConsoleTestBed, agent: Agent = ME): Promise<void> {
  bed.session.setItem(StorageKeys.token, fakeJwt(3600));
  bed.backend.on('GET /agents/me', { body: agent });
  await TestBed.inject(SessionStore).restore();
}
