/**
 * The API key for writes, kept in sessionStorage: it survives a reload but not the tab, and the
 * client reads it for every request, so a key typed in takes effect at once.
 */
import { useState } from 'react';

const STORAGE_KEY = 'songs-api-key';

export function readApiKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY) || null;
}

export function useApiKey(): [string, (key: string) => void] {
  const [key, setKey] = useState(() => readApiKey() ?? '');
  const update = (next: string) => {
    if (next) sessionStorage.setItem(STORAGE_KEY, next);
    else sessionStorage.removeItem(STORAGE_KEY);
    setKey(next);
  };
  return [key, update];
}
