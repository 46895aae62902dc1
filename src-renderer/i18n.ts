/** English and Simplified Chinese. The language follows the system (navigator.language). */
import type { KeychainStatus } from '../src-shared/ipc/contract.js';

const en = {
  appName: 'ATP Player',
  connectTitle: 'Connect to a server',
  address: 'Server address',
  addressHint: 'host:port, for example music.example.org:2333',
  user: 'User',
  password: 'Password',
  remember: 'Remember this server',
  'keychain.no-keychain':
    'Passwords can’t be saved: no secure keychain is running. Install and unlock GNOME Keyring or KWallet, then restart ATP Player.',
  'keychain.plain-text-backend':
    'Passwords can’t be saved: the only password store found would keep them in effect in plain text. Install and unlock GNOME Keyring or KWallet, then restart ATP Player.',
  connect: 'Connect',
  connecting: 'Connecting…',
  useLocal: 'Use the music on this computer',
  recent: 'Recent servers',
  cancel: 'Cancel',
  search: 'Search title, artist, album',
  title: 'Title',
  artist: 'Artist',
  album: 'Album',
  duration: 'Time',
  'tracks.one': '{n} track',
  'tracks.other': '{n} tracks',
  scanning: 'Scanning the library… {scanned} of {total}',
  noTracks: 'Nothing matches “{query}”.',
  emptyLibrary: 'This library has no music yet. Put files in the server’s music folder; they appear after its next scan.',
  listError: 'The list could not be loaded. {reason}',
  retry: 'Retry',
  trackList: 'Tracks',
  library: 'Library',
  nowPlaying: 'Now playing',
  position: 'Position',
  shuffle: 'Shuffle',
  'repeat.off': 'Repeat: off',
  'repeat.all': 'Repeat: all',
  'repeat.one': 'Repeat: this track',
  mute: 'Mute',
  unmute: 'Unmute',
  showQueue: 'Show the queue',
  hideQueue: 'Hide the queue',
  retryNow: 'Retry now',
  language: 'Language',
  languageAuto: 'System language',
  reconnectingNow: 'Disconnected from {address}. Trying again now…',
  play: 'Play',
  pause: 'Pause',
  previous: 'Previous',
  next: 'Next',
  volume: 'Volume',
  buffering: 'Buffering…',
  'underruns.one': '{n} dropout',
  'underruns.other': '{n} dropouts',
  nothingPlaying: 'Nothing playing',
  queue: 'Queue',
  playNext: 'Play next',
  addToQueue: 'Add to queue',
  clearQueue: 'Clear',
  remove: 'Remove',
  moveUp: 'Move up',
  moveDown: 'Move down',
  queueEmpty: 'The queue is empty.',
  connected: 'Connected to {address} as {user}',
  connectedLocal: 'Playing the music on this computer',
  disconnected: 'Disconnected',
  reconnecting: 'Disconnected from {address}. Trying again in {seconds} s…',
  disconnect: 'Disconnect',
  changeServer: 'Change server',
  'error.bad-credentials': 'The user name or password is wrong.',
  'error.refused': 'Nothing is answering at {address}. Is the server running, and is the port right?',
  'error.host-not-found': 'No computer called “{host}” could be found. Check the address.',
  'error.timeout': 'The server at {address} did not answer in time.',
  'error.unreachable': 'The network cannot reach {address}.',
  'error.disconnected': 'The connection to the server was lost.',
  'error.not-connected': 'You are not connected to a server.',
  'error.bad-address': 'That does not look like a server address. Write it as host:port.',
  'error.password-needed': 'Enter the password for this server.',
  'error.local-server-failed': 'The music server on this computer could not start.',
  'error.too-many-connections': 'The server is busy. Try again in a moment.',
  'error.unplayable': 'This track cannot be played.',
  'error.unknown-track': 'This track is no longer in the library.',
  'error.offline-queue-kept': 'Not connected to a server, so nothing new can start now. The queue is kept.',
  'error.audio': 'Sound could not start: {message}',
  'error.other': 'Something went wrong: {message}',
};
export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  appName: 'ATP 播放器',
  connectTitle: '连接到服务器',
  address: '服务器地址',
  addressHint: '主机:端口，例如 music.example.org:2333',
  user: '用户名',
  password: '密码',
  remember: '记住此服务器',
  'keychain.no-keychain': '无法保存密码：没有正在运行的安全密钥环。请安装并解锁 GNOME Keyring 或 KWallet，然后重新启动 ATP 播放器。',
  'keychain.plain-text-backend': '无法保存密码：找到的唯一密码存储实际上会以明文保存密码。请安装并解锁 GNOME Keyring 或 KWallet，然后重新启动 ATP 播放器。',
  connect: '连接',
  connecting: '正在连接…',
  useLocal: '播放本机上的音乐',
  recent: '最近的服务器',
  cancel: '取消',
  search: '搜索标题、艺人、专辑',
  title: '标题',
  artist: '艺人',
  album: '专辑',
  duration: '时长',
  'tracks.one': '{n} 首曲目',
  'tracks.other': '{n} 首曲目',
  scanning: '正在扫描音乐库… {scanned} / {total}',
  noTracks: '没有与“{query}”匹配的内容。',
  emptyLibrary: '音乐库里还没有音乐。把文件放进服务器的音乐文件夹，下次扫描后就会出现。',
  listError: '无法加载列表。{reason}',
  retry: '重试',
  trackList: '曲目',
  library: '音乐库',
  nowPlaying: '正在播放',
  position: '播放位置',
  shuffle: '随机播放',
  'repeat.off': '循环：关',
  'repeat.all': '循环：全部',
  'repeat.one': '循环：单曲',
  mute: '静音',
  unmute: '取消静音',
  showQueue: '显示播放队列',
  hideQueue: '隐藏播放队列',
  retryNow: '立即重试',
  language: '语言',
  languageAuto: '跟随系统',
  reconnectingNow: '与 {address} 的连接已断开。正在重试…',
  play: '播放',
  pause: '暂停',
  previous: '上一首',
  next: '下一首',
  volume: '音量',
  buffering: '正在缓冲…',
  'underruns.one': '{n} 次断音',
  'underruns.other': '{n} 次断音',
  nothingPlaying: '未在播放',
  queue: '播放队列',
  playNext: '下一首播放',
  addToQueue: '添加到队列',
  clearQueue: '清空',
  remove: '移除',
  moveUp: '上移',
  moveDown: '下移',
  queueEmpty: '队列为空。',
  connected: '已以 {user} 身份连接到 {address}',
  connectedLocal: '正在播放本机上的音乐',
  disconnected: '已断开连接',
  reconnecting: '与 {address} 的连接已断开。{seconds} 秒后重试…',
  disconnect: '断开连接',
  changeServer: '更换服务器',
  'error.bad-credentials': '用户名或密码错误。',
  'error.refused': '{address} 没有响应。服务器是否在运行？端口是否正确？',
  'error.host-not-found': '找不到名为“{host}”的计算机。请检查地址。',
  'error.timeout': '{address} 上的服务器没有及时响应。',
  'error.unreachable': '网络无法访问 {address}。',
  'error.disconnected': '与服务器的连接已断开。',
  'error.not-connected': '尚未连接到服务器。',
  'error.bad-address': '这不像是服务器地址。请写成 主机:端口。',
  'error.password-needed': '请输入此服务器的密码。',
  'error.local-server-failed': '本机上的音乐服务器无法启动。',
  'error.too-many-connections': '服务器繁忙，请稍后再试。',
  'error.unplayable': '无法播放此曲目。',
  'error.unknown-track': '此曲目已不在音乐库中。',
  'error.offline-queue-kept': '尚未连接到服务器，现在无法开始播放新的内容。播放队列已保留。',
  'error.audio': '无法播放声音：{message}',
  'error.other': '出现问题：{message}',
};

export type Language = 'en' | 'zh-CN';

export function pickLanguage(preferred: readonly string[]): Language {
  return preferred.some((l) => l.toLowerCase().startsWith('zh')) && !preferred[0]?.toLowerCase().startsWith('en') ? 'zh-CN' : 'en';
}

let table: Record<MessageKey, string> = en;
let current: Language = 'en';
let plurals = new Intl.PluralRules('en');

export function setLanguage(language: Language): void {
  table = language === 'zh-CN' ? zh : en;
  current = language;
  plurals = new Intl.PluralRules(language);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

export function language(): Language {
  return current;
}

/** Keys with a form per count: `key.one`, `key.other`. */
type Counted = { [K in MessageKey]: K extends `${infer B}.one` ? B : never }[MessageKey];

/** The message for a count, in the form the language's plural rules pick ("1 dropout", "2 dropouts"). */
export function tn(key: Counted, n: number, values: Record<string, string | number> = {}): string {
  const form = plurals.select(n) === 'one' ? 'one' : 'other';
  return t(`${key}.${form}` as MessageKey, { ...values, n });
}

export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

/** Why "remember" will not keep the password, and how to get a keychain; null when it will. */
export function keychainNotice(status: KeychainStatus): string | null {
  return status.available ? null : t(`keychain.${status.reason}`);
}

/** Words for an error code; the server's own message only when no words of ours fit. */
export function errorText(code: string, message: string, context: { address?: string; host?: string } = {}): string {
  const key = `error.${code}` as MessageKey;
  if (key in table) return t(key, { ...context, message });
  return t('error.other', { message });
}
