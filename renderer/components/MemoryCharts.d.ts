import 'uplot/dist/uPlot.min.css';
export declare function MemoryCharts(): import("react").JSX.Element;
