// Inline SVG icons: they draw the same on every system, where symbol characters depend on the fonts installed.
import type { ReactElement } from 'react';

function Svg({ children, size = 18 }: { children: ReactElement | ReactElement[]; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

export const PlayIcon = ({ size }: { size?: number }) => <Svg size={size}><path d="M7 4.5v15l12.5-7.5z" /></Svg>;
export const PauseIcon = ({ size }: { size?: number }) => <Svg size={size}><path d="M6 4.5h4v15H6zM14 4.5h4v15h-4z" /></Svg>;
export const PreviousIcon = () => <Svg><path d="M5 5h2.5v14H5zM20 5v14L8.5 12z" /></Svg>;
export const NextIcon = () => <Svg><path d="M16.5 5H19v14h-2.5zM4 5v14l11.5-7z" /></Svg>;
export const VolumeIcon = () => <Svg><path d="M3 9.5h4l5-4.5v14l-5-4.5H3zM15 8.5a5 5 0 0 1 0 7l-1.2-1.2a3.3 3.3 0 0 0 0-4.6zM17.5 6a8.5 8.5 0 0 1 0 12l-1.2-1.2a6.8 6.8 0 0 0 0-9.6z" /></Svg>;
export const PlayNextIcon = () => <Svg size={16}><path d="M3 6h12v2H3zM3 11h12v2H3zM3 16h8v2H3zM16 13v6l5-3z" /></Svg>;
export const AddIcon = () => <Svg size={16}><path d="M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z" /></Svg>;
export const UpIcon = () => <Svg size={14}><path d="M12 5l6 7h-4v7h-4v-7H6z" /></Svg>;
export const DownIcon = () => <Svg size={14}><path d="M12 19l-6-7h4V5h4v7h4z" /></Svg>;
export const RemoveIcon = () => <Svg size={14}><path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6 10.6 12 5 6.4z" /></Svg>;
export const ShuffleIcon = () => <Svg><path d="M17 4l4 3.5-4 3.5V8.5h-2.2l-3.1 3.5 3.1 3.5H17V13l4 3.5-4 3.5v-2.5h-3.1l-3.4-3.9-3.4 3.9H3v-2h3.2l3.1-3.5-3.1-3.5H3v-2h4.1l3.4 3.9 3.4-3.9H17z" /></Svg>;
export const RepeatIcon = () => <Svg><path d="M7 7h10V4.5l4 3.5-4 3.5V9H9v3H7zM17 17H7v2.5L3 16l4-3.5V15h8v-3h2z" /></Svg>;
export const RepeatOneIcon = () => <Svg><path d="M7 7h10V4.5l4 3.5-4 3.5V9H9v3H7zM17 17H7v2.5L3 16l4-3.5V15h8v-3h2zM11.3 10h1.7v5h-1.5v-3.3l-.9.3v-1.2z" /></Svg>;
export const MutedIcon = () => <Svg><path d="M3 9.5h4l5-4.5v14l-5-4.5H3zM15.3 9.1l1.4-1.4 2.3 2.3 2.3-2.3 1.4 1.4-2.3 2.3 2.3 2.3-1.4 1.4-2.3-2.3-2.3 2.3-1.4-1.4 2.3-2.3z" /></Svg>;
export const QueueIcon = () => <Svg><path d="M3 5h14v2H3zM3 10h14v2H3zM3 15h9v2H3zM15 14v6l6-3z" /></Svg>;
