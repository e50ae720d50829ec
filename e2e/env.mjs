// Shared facts of the end-to-end environment.
export const PORTS = { app: 18190, cors: 18191, noCors: 18192 };

// The documented example token from Dynatrace's docs; the sandbox knows it as `myToken`.
export const EXAMPLE_TOKEN =
  "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
export const EXAMPLE_ID = "dt0c01.ST2EY72KQINMH574WMNVI7YN";
export const EXAMPLE_SECRET = EXAMPLE_TOKEN.split(".")[2];

// The sandbox's admin token (every read scope) gets this secret in the tests.
export const ADMIN_SECRET = "ADMINE2ETESTSECRET2222222222222222222222222222222222222222222222";
