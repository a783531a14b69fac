// Test preload: makes `require('cap')` fail the way it does when libpcap is missing, so the CLI's
// missing-library error can be tested on a machine that has libpcap.
const Module = require('node:module');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (request === 'cap') throw new Error('libpcap.so.0.8: cannot open shared object file: No such file or directory');
  return load.call(this, request, ...rest);
};
