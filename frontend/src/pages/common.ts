// Shared behaviour for every page: marks the document as scripted so CSS can reveal live widgets.
document.documentElement.classList.add('js');
export {};
