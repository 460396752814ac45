// Preloaded into the services by the chaos timers scenario (NODE_OPTIONS=--require): their wall clock runs
// CHAOS_CLOCK_FILE's milliseconds ahead (or behind) of the host's, and jumps when the file changes and the process
// gets SIGUSR2, as a host clock set by hand or by a faulty NTP step would. Timers and monotonic time are untouched.
const fs = require('node:fs');

const file = process.env.CHAOS_CLOCK_FILE;
if (file) {
  const RealDate = Date;
  let offset = 0;
  const read = () => {
    try {
      offset = Number(fs.readFileSync(file, 'utf8').trim()) || 0;
    } catch {
      offset = 0;
    }
  };
  read();
  process.on('SIGUSR2', read);
  // A function, not a class: Date() called without `new` must still answer a string.
  function ShiftedDate(...args) {
    if (!new.target) return new RealDate(RealDate.now() + offset).toString();
    return args.length === 0 ? new RealDate(RealDate.now() + offset) : new RealDate(...args);
  }
  ShiftedDate.prototype = RealDate.prototype;
  ShiftedDate.now = () => RealDate.now() + offset;
  ShiftedDate.parse = RealDate.parse;
  ShiftedDate.UTC = RealDate.UTC;
  globalThis.Date = ShiftedDate;
}
