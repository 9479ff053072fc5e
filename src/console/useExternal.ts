import { useEffect, useState } from 'preact/hooks';

/**
 * A value kept outside the component tree (the URL, the height, the stream's status), read again at every change
 * it announces. Read once more right after subscribing: Preact runs effects up to a frame after the render, and a
 * change in between (a link followed at once, a socket that opened) reached no listener and would be lost.
 */
export function useExternal<T>(read: () => T, subscribe: (changed: () => void) => () => void): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    const changed = () => setValue(read());
    const unsubscribe = subscribe(changed);
    changed();
    return unsubscribe;
  }, []);
  return value;
}
