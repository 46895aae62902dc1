// Vite bundles a module imported with `?worker&url` as a file of its own and hands back its URL: that is how the
// worklets, which import the ring buffer, reach audioWorklet.addModule.
declare module '*?worker&url' {
  const url: string;
  export default url;
}
