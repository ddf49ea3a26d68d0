// Runs inside a vm-system session: an isolate with a console, timers and
// nothing of the host. Try: npx vm-system run examples/hello.js
const greet = (name) => `Hello, ${name}!`;
console.log(greet('vm-system'));
console.info('isolate has process?', typeof process !== 'undefined');
const squares = [1, 2, 3].map((n) => n * n);
console.log('squares:', squares);
({ squares, total: squares.reduce((a, b) => a + b, 0) });
