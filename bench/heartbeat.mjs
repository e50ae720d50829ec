// The benches' reference for the machine's own load: a 1 ms timer heartbeat on an idle page for
// `ms`; its longest gap is how long the page waited for a core with nothing to do.
export function idleHeartbeat(page, ms) {
  return page.evaluate(async (ms) => {
    let last = performance.now();
    let longest = 0;
    const until = last + ms;
    await new Promise((done) => {
      const beat = () => {
        const now = performance.now();
        longest = Math.max(longest, now - last);
        last = now;
        if (now < until) setTimeout(beat, 1);
        else done();
      };
      setTimeout(beat, 1);
    });
    return longest;
  }, ms);
}
