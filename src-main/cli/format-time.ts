/** A duration as m:ss, the way track lengths are shown; "--:--" when unknown. */
export function formatTime(ms: number | null): string {
  if (ms === null) return '--:--';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
